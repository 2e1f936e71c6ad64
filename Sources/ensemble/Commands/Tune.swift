import ArgumentParser
import Foundation
import Graph
import JSON
import Keras
import Learn
import Merge

/// `ensemble tune MODEL… --input X… --target Y [--method M] [-o merged.h5]`: learn the ensemble.
struct Tune: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Learn the ensemble from labelled data: weights, member selection, a soup or a stacking head.",
    discussion: """
      The members run once over the data; every method then works on their cached outputs \
      (soup excepted: each candidate soup is one more pass).
        weighted          the --weighted weights that minimise log-loss (classes) or MSE (values) on \
      the simplex (wᵢ ≥ 0, Σ = 1), solved to optimality (the problem is convex)
        weighted-product  the same for the weighted product rule (convex in w for log-loss)
        select            greedy forward selection with replacement on --metric (Caruana et al. 2004); \
      the weights are the counts
        soup              the greedy soup (Wortsman et al. 2022) of members of one architecture: \
      sorted by their own --metric, each joins the weight average only if it does not get worse
        stack             a Dense head on the members' concatenated outputs (or inner features, \
      --layer): multinomial logistic regression, logistic for binary, ridge (alpha = 1/C) for \
      values, with L2 strength --C as scikit-learn's C
      It prints each member, the uniform average and the tuned result on the metric, in-sample \
      and with --cv K cross-validated (fitted on K − 1 folds, scored on the held-out one), the \
      flags to paste, and with -o writes the merged model.
      """)

  enum Method: String, ExpressibleByArgument, CaseIterable {
    case weighted, weightedProduct = "weighted-product", select, soup, stack
  }

  @OptionGroup var models: ModelArguments

  @OptionGroup var data: LabelledData

  @Option(help: "How to learn the ensemble.")
  var method: Method = .weighted

  @Option(help: "The metric of select and soup, and of the table (default: log_loss, or mse for values).")
  var metric: String?

  @Option(help: "Rounds of select.")
  var rounds = 25

  @Option(name: .customLong("C"), help: "Inverse L2 strength of the stacking head, as scikit-learn's C.")
  var c = 1.0

  @Option(help: "Also score by K-fold cross-validation (contiguous folds, as scikit-learn's KFold).")
  var cv: Int?

  @Option(name: .shortAndLong, help: "Write the tuned ensemble as a Keras file (.h5 or .keras).")
  var output: String?

  @Flag(help: "Replace an existing -o file.")
  var force = false

  @Flag(help: "Print one JSON object instead of the table.")
  var json = false

  @Flag(help: "Print the time of each phase (load, predict, tune, write) on stderr.")
  var timing = false

  func validate() throws {
    guard models.models.count >= 2 else { throw ValidationError("tune needs at least two models") }
    guard !models.mode.given else { throw ValidationError("tune learns the merge; give --method, not a MODE") }
    guard models.models.count <= Simplex.maximumWeights || method == .select || method == .stack else {
      throw ValidationError("\(method.rawValue) takes at most \(Simplex.maximumWeights) models")
    }
    if let metric, Metric(rawValue: metric) == nil {
      throw ValidationError("--metric is one of " + Metric.allCases.map(\.rawValue).joined(separator: ", "))
    }
    if let cv, cv < 2 { throw ValidationError("--cv needs at least 2 folds") }
    if !models.layers.isEmpty, method != .stack { throw ValidationError("--layer goes with --method stack") }
    if c <= 0 { throw ValidationError("--C must be positive") }
  }

  func run() throws {
    let destination = try output.map { path in
      try OutputTarget.resolve(
        path, force: force, inputs: models.inputFiles + data.input + [data.target], binary: true, hint: "")
    }
    var clock = PhaseClock()
    let members = try models.members()
    let joined = try mergeOrFail(members, .concat(axis: -1))
    clock.lap("load")
    let (_, outputs) = try data.predictions(joined)
    clock.lap("predict")
    let targets = try self.targets(outputs)
    let chosen = metric.flatMap(Metric.init(rawValue:)) ?? (targets.task == .regression ? .mse : .logLoss)
    if method == .weightedProduct, targets.task == .regression {
      throw CLIError("the weighted product is for probabilities; the targets are values", status: .dataError)
    }
    let fit = try fitted(members, outputs, targets, metric: chosen)
    let uniform = Table.weightedSum(outputs, [Double](repeating: 1 / Double(outputs.count), count: outputs.count))
    let tuned = fit.predictions
    let validated = try cv.flatMap { folds in
      try crossValidated(members, outputs, targets, metric: chosen, folds: folds)
    }
    clock.lap("tune")
    var written: BuiltModel?
    if let destination {
      let merged = try model(fit, members)
      let archive = output?.lowercased().hasSuffix(".keras") ?? false
      try destination.write(
        archive
          ? try ArchiveWriter.write(merged)
          : try ModelWriter.write(merged, testVector: try TestVector.make(for: merged)))
      written = merged
    }
    if json {
      var object: [(String, JSONValue)] = [
        ("method", .string(method.rawValue)),
        ("weights", fit.weights.map { .array($0.map { .number($0) }) } ?? .null),
        ("objective", .number(fit.objective)), ("flags", fit.flags.map(JSONValue.string) ?? .null),
      ]
      var metrics: [(String, JSONValue)] = [(chosen.rawValue, .number(chosen.value(tuned, targets, topK: data.topK)))]
      if let validated { metrics.append(("cv_\(chosen.rawValue)", .number(validated))) }
      object.append(("metrics", .object(metrics)))
      try StandardStream.output.write(Data((JSONValue.object(object).prettyText + "\n").utf8))
    } else {
      var rows: [(String, [Double?])] = zip(models.models, outputs).map {
        ($0, [chosen.value($1, targets, topK: data.topK)] + (cv == nil ? [] : [nil]))
      }
      rows.append(("uniform average", [chosen.value(uniform, targets, topK: data.topK)] + (cv == nil ? [] : [nil])))
      rows.append(
        ("tuned (\(method.rawValue))", [chosen.value(tuned, targets, topK: data.topK)] + (cv == nil ? [] : [validated]))
      )
      let columns = [chosen.rawValue] + (cv.map { ["\($0)-fold cv"] } ?? [])
      var text = ScoreTable(title: "\(targets.task.rawValue), \(tuned.rows) rows", columns: columns, rows: rows).text
      text += fit.flags.map { "flags: \($0)\n" } ?? "flags: none (a stacking head is written with -o)\n"
      try StandardStream.output.write(Data(text.utf8))
    }
    clock.lap("write")
    if timing { note("timing: " + clock.report) }
    if let output, let written {
      let kept = fit.head != nil ? models.models.count : (fit.weights ?? []).filter { $0 > 1e-9 }.count
      note(
        "wrote \(output): \(kept) of \(models.models.count) models, "
          + "\(Keras.Summary.grouped(try Keras.Summary(written).totalParams)) params")
    }
  }

  /// What a method learnt: weights (or a head), its objective, predictions on the data.
  struct Fit {
    var weights: [Double]?
    var head: Stacking?
    var soup: KerasModel?
    var objective: Double
    var predictions: Table
    var flags: String?
    /// The fitted combination applied to other rows of the members' outputs (a fold); nil for
    /// a soup, whose predictions take a pass of its own model.
    var apply: (([Table]) -> Table)?
  }

  /// `--weighted 0.7423,0,0.2577,0`: weights as the flags to paste.
  private static func flag(_ name: String, _ weights: [Double]) -> String {
    "\(name) " + weights.map { String(format: "%.4g", $0) }.joined(separator: ",")
  }

  private func fitted(_ members: [Ensemble.Member], _ outputs: [Table], _ targets: Targets, metric: Metric) throws
    -> Fit
  {
    func weighted(_ w: [Double], objective: Double, flag name: String) -> Fit {
      let apply = { (tables: [Table]) in Table.weightedSum(tables, w) }
      return Fit(
        weights: w, objective: objective, predictions: apply(outputs), flags: Tune.flag(name, w), apply: apply)
    }
    switch method {
    case .weighted:
      let objective =
        targets.task == .regression
        ? Objectives.weightedSquaredError(outputs, targets) : Objectives.weightedLogLoss(outputs, targets)
      let (w, value) = Simplex.minimize(dimension: outputs.count, objective)
      return weighted(w, objective: value, flag: "--weighted")
    case .weightedProduct:
      let (w, value) = Simplex.minimize(dimension: outputs.count, Objectives.weightedProductLogLoss(outputs, targets))
      let apply = { (tables: [Table]) in WeightedProduct.apply(tables, w) }
      return Fit(
        weights: w, objective: value, predictions: apply(outputs), flags: Tune.flag("--weighted-product", w),
        apply: apply)
    case .select:
      let (w, value) = Selection.select(outputs, targets, metric: metric, rounds: rounds)
      return weighted(w, objective: value, flag: "--weighted")
    case .stack:
      let head = Stacking.fit(Table.concatenated(outputs), targets, c: c)
      let apply = { (tables: [Table]) in head.predict(Table.concatenated(tables)) }
      let predictions = apply(outputs)
      return Fit(
        head: head, objective: metric.value(predictions, targets, topK: data.topK), predictions: predictions,
        apply: apply)
    case .soup:
      return try greedySoup(members, outputs, targets, metric: metric)
    }
  }

  /// Wortsman et al.'s greedy soup: members by their own metric, best first; each joins the
  /// soup when the soup's metric does not get worse.
  private func greedySoup(_ members: [Ensemble.Member], _ outputs: [Table], _ targets: Targets, metric: Metric) throws
    -> Fit
  {
    let sign = metric.higherIsBetter ? -1.0 : 1.0
    let scores = outputs.map { sign * metric.value($0, targets, topK: data.topK) }
    let order = members.indices.sorted { scores[$0] < scores[$1] }
    var chosen = [order[0]]
    var best = (score: scores[order[0]], predictions: outputs[order[0]], model: members[order[0]].model)
    for candidate in order.dropFirst() {
      let trial = chosen + [candidate]
      let soup = try WeightSpace.merge(
        trial.map { members[$0] }, mode: .soup([Float](repeating: 1 / Float(trial.count), count: trial.count)))
      let predictions = try data.predictions(try soup.model.build()).whole
      let score = sign * metric.value(predictions, targets, topK: data.topK)
      if score <= best.score {
        chosen = trial
        best = (score, predictions, soup.model)
      }
    }
    let weights = members.indices.map { chosen.contains($0) ? 1 / Double(chosen.count) : 0 }
    return Fit(
      weights: weights, soup: best.model, objective: sign * best.score, predictions: best.predictions,
      flags: "--soup " + Tune.flag("--weights", weights))
  }

  /// The metric of out-of-fold predictions: each of `folds` contiguous folds predicted by the
  /// method fitted on the others.
  private func crossValidated(
    _ members: [Ensemble.Member], _ outputs: [Table], _ targets: Targets, metric: Metric, folds: Int
  ) throws -> Double? {
    guard method != .soup else { return nil }
    let rows = targets.table.rows
    var predictions = [Double](repeating: 0, count: rows * outputs[0].width)
    var width = outputs[0].width
    for fold in 0..<folds {
      let range = (fold * rows / folds)..<((fold + 1) * rows / folds)
      let test = Array(range), train = Array(0..<range.lowerBound) + Array(range.upperBound..<rows)
      let fit = try fitted(members, outputs.map { $0.rows(train) }, targets.rows(train), metric: metric)
      guard let held = fit.apply?(outputs.map { $0.rows(test) }) else { return nil }
      width = held.width
      if predictions.count != rows * width { predictions = [Double](repeating: 0, count: rows * width) }
      for (index, row) in test.enumerated() {
        for c in 0..<width { predictions[row * width + c] = held[index, c] }
      }
    }
    return metric.value(Table(rows: rows, width: width, values: predictions), targets, topK: data.topK)
  }

  /// The targets, checked against the members' outputs (with --layer, against the classes the
  /// labels name, since the cut outputs are features).
  private func targets(_ outputs: [Table]) throws -> Targets {
    guard models.layers.isEmpty else {
      return try data.targets(
        for: Table(rows: outputs[0].rows, width: 1, values: [Double](repeating: 0.5, count: outputs[0].rows)))
    }
    return try data.targets(for: outputs[0])
  }

  /// The Keras model of a fit.
  private func model(_ fit: Fit, _ members: [Ensemble.Member]) throws -> BuiltModel {
    if let soup = fit.soup { return try soup.build() }
    if let head = fit.head {
      let features = head.kernel.count / head.units
      return try Ensemble.stacked(
        members, kernel: Tensor(shape: [features, head.units], data: head.kernel.map(Float.init)),
        bias: Tensor(shape: [head.units], data: head.bias.map(Float.init)), activation: head.activation)
    }
    let weights = fit.weights ?? []
    let kept = members.indices.filter { weights[$0] > 1e-9 }
    guard kept.count >= 2 else { return try members[kept.first ?? 0].model.build() }
    let w = kept.map { Float(weights[$0]) }
    return try mergeOrFail(
      kept.map { members[$0] }, method == .weightedProduct ? .weightedProduct(w) : .weighted(w))
  }

  private func mergeOrFail(_ members: [Ensemble.Member], _ mode: MergeMode) throws -> BuiltModel {
    do {
      return try Ensemble.merge(members, mode: mode)
    } catch let error as MergeError {
      throw CLIError(error.message(naming: MergeModeOptions.spelling), status: .dataError)
    }
  }
}
