import ArgumentParser
import Foundation
import JSON
import Keras
import Learn
import Merge

/// `ensemble evaluate [MODE] MODEL… --input X… --target Y`: how good each member and the
/// ensemble are on labelled data.
struct Evaluate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Score each model and their ensemble on labelled data (accuracy, log-loss, AUC, MSE, MAE, R²).",
    discussion: """
      The task follows from the targets and the outputs (--task overrides): class indices or \
      probability rows for softmax outputs give accuracy, top-k accuracy and log-loss; 0/1 for a \
      sigmoid output give accuracy, log-loss and AUC; values give MSE, MAE and R². The metrics \
      are scikit-learn's: accuracy_score, top_k_accuracy_score, log_loss (probabilities clipped to \
      [ε, 1 − ε], ε the float32 epsilon), roc_auc_score, mean_squared_error, mean_absolute_error, \
      r2_score. Several models run as one merged graph (--average when no MODE is given), in one \
      pass that also gives every member's outputs.
      """)

  @OptionGroup var models: ModelArguments

  @OptionGroup var data: LabelledData

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  func run() throws {
    let built = try models.load(defaultMode: .average)
    let (whole, members) = try data.predictions(built)
    let targets = try data.targets(for: whole)
    let metrics = Metric.applying(to: targets.task, classes: whole.width, topK: data.topK)
    func scores(_ table: Table) -> [(Metric, Double)] {
      metrics.map { ($0, $0.value(table, targets, topK: data.topK)) }
    }
    var rows = zip(models.models, members).map { (name: $0, scores: scores($1)) }
    let mode = models.models.count > 1 ? try models.mode.combination(models: models.models.count) : nil
    let modeName: String
    switch mode {
    case .outputs(let merge)?: modeName = MergeModeOptions.spelling(merge)
    case .weights?: modeName = "one model from the members' weights"
    case nil: modeName = "--average"
    }
    let ensembleScores = models.models.count > 1 ? scores(whole) : nil
    if json {
      func metricsJSON(_ scores: [(Metric, Double)]) -> JSONValue {
        .object(scores.map { ($0.0.rawValue, $0.1.isNaN ? .null : .number($0.1)) })
      }
      var object: [(String, JSONValue)] = [
        ("task", .string(targets.task.rawValue)), ("rows", .number(Double(whole.rows))),
        ("members", .array(rows.map { ["model": .string($0.name), "metrics": metricsJSON($0.scores)] })),
      ]
      if let ensembleScores {
        object.append(("ensemble", ["mode": .string(modeName), "metrics": metricsJSON(ensembleScores)]))
      }
      try StandardStream.output.write(Data((JSONValue.object(object).prettyText + "\n").utf8))
      return
    }
    if let ensembleScores { rows.append((name: "ensemble (\(modeName))", scores: ensembleScores)) }
    let table = ScoreTable(
      title: "\(targets.task.rawValue), \(whole.rows) rows", columns: metrics.map(\.rawValue),
      rows: rows.map { ($0.name, $0.scores.map { Optional($0.1) }) })
    try StandardStream.output.write(Data(table.text.utf8))
  }
}

/// A plain table of scores: one row per model, one column per metric, four decimals.
struct ScoreTable {
  let title: String
  let columns: [String]
  let rows: [(String, [Double?])]

  var text: String {
    let nameWidth = max(rows.map(\.0.count).max() ?? 0, 5)
    let widths = columns.map { max($0.count, 8) }
    func line(_ name: String, _ cells: [String]) -> String {
      name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
        + zip(cells, widths).map { String(repeating: " ", count: max($1 - $0.count, 0)) + $0 }.joined(separator: "  ")
    }
    var lines = [title, line("model", columns)]
    for (name, values) in rows {
      lines.append(line(name, values.map { $0.map { String(format: "%.4f", $0) } ?? "-" }))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
