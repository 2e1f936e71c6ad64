import ArgumentParser
import Foundation
import Graph
import Keras
import Learn

/// The labelled data of `evaluate` and `tune`: inputs, targets and the task.
struct LabelledData: ParsableArguments {
  @Option(name: .shortAndLong, help: "An input file (.npy or .csv), once per model input, in order.")
  var input: [String] = []

  @Option(
    help: ArgumentHelp(
      "The targets (.npy or .csv): class indices ((n,) or (n, 1)), one-hot or probability rows, 0/1 for a "
        + "sigmoid output, or values of the outputs' shape.", valueName: "Y"))
  var target: String

  @Option(help: "The task, when the targets do not make it plain: classification, binary or regression.")
  var task: TaskChoice?

  @Option(help: "k of top_k_accuracy.")
  var topK = 5

  enum TaskChoice: String, ExpressibleByArgument, CaseIterable {
    case classification, binary, regression
  }

  func validate() throws {
    guard !input.isEmpty else { throw ValidationError("give at least one --input file") }
    if topK < 1 { throw ValidationError("--top-k must be at least 1") }
  }

  /// The outputs of each member (and of the whole, when `built` is an ensemble) on the inputs,
  /// from one prediction pass, as tables of one row per sample.
  func predictions(_ built: BuiltModel) throws -> (whole: Table, members: [Table]) {
    let graph = built.graph
    let tensors = try InputFiles.read(input, format: nil, shapes: graph.inputs.map(graph.shape))
    let memberValues = built.model.memberOutputs.compactMap(built.value(of:))
    let outputs = graph.outputs
    graph.outputs = outputs + memberValues
    defer { graph.outputs = outputs }
    let progress = Progress(label: "predict")
    let results = try Executor(graph).predict(tensors, progress: progress.update)
    progress.finish()
    for (index, result) in results.enumerated() where result.shape.count != 2 {
      let which = index == 0 ? "the model" : built.model.memberOutputs[index - 1].layer
      throw CLIError(
        "\(which) gives outputs of shape \(result.shape); evaluate and tune take (rows, values)", status: .dataError)
    }
    let tables = results.map { Table(rows: $0.shape[0], width: $0.shape[1], values: $0.data.map(Double.init)) }
    return (tables[0], tables.count > 1 ? Array(tables.dropFirst()) : [tables[0]])
  }

  /// The targets, checked against outputs of `outputs`'s shape.
  func targets(for outputs: Table) throws -> Targets {
    let tensor = try InputFiles.read([target], format: nil, shapes: [Shape([nil, nil])], anyShape: true)[0]
    let width = tensor.shape.count == 1 ? 1 : tensor.shape.dropFirst().reduce(1, *)
    let table = Table(rows: tensor.shape.first ?? 0, width: width, values: tensor.data.map(Double.init))
    do {
      return try Targets(
        table, rows: outputs.rows, outputWidth: outputs.width,
        outputsAreProbabilities: Targets.areProbabilities(outputs),
        task: task.flatMap { Task(rawValue: $0.rawValue) })
    } catch let problem as Targets.Problem {
      throw CLIError("\(target): \(problem.description)", status: .dataError)
    }
  }
}
