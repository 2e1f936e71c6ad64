import ArgumentParser
import Foundation
import Graph
import Keras

/// `ensemble predict MODEL --input FILE …`: run a model on data.
struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a model, or an ensemble of models, on .npy or .csv inputs and write the predictions.",
    discussion: """
      One --input per model input, in order. With several models they run as one merged graph \
      (--average when no merge mode is given): models that take the same inputs share them, \
      otherwise each model's inputs follow in model order. Predictions go to stdout as CSV unless \
      --output names a file; the format follows --format, else the file extension.
      """)

  @OptionGroup var models: ModelArguments

  @Option(name: .shortAndLong, help: "An input file (.npy or .csv), once per model input, in order.")
  var input: [String] = []

  @Option(help: "How to read the --input files (default: from each extension; - is npy).")
  var inputFormat: InputFormat?

  @Option(name: .shortAndLong, help: "Write predictions to this file instead of stdout.")
  var output: String?

  @Option(help: "Output format (default: from the --output extension, else csv).")
  var format: OutputFormat?

  @Option(help: "Samples per batch (default: sized so a batch's tensors stay near 4 MB).")
  var batchSize: Int?

  @Flag(help: "Replace an existing --output file.")
  var force = false

  @Flag(help: "Print the time of each phase (load, read, compute, write) on stderr.")
  var timing = false

  func validate() throws {
    guard !input.isEmpty else { throw ValidationError("give at least one --input file") }
    if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive") }

  }

  func run() throws {
    var clock = PhaseClock()
    let chosen = format ?? output.flatMap(OutputFormat.init(path:)) ?? .csv
    let destination = try OutputTarget.resolve(
      output, force: force, inputs: models.inputFiles + input, binary: chosen.isBinary,
      hint: "use -o FILE or a pipe")
    // A file's extension names its format; one ensemble does not write is refused (a device or
    // FIFO has no format to respect).
    if case .file(let path) = destination, format == nil, OutputFormat(path: path) == nil,
      !URL(fileURLWithPath: path).pathExtension.isEmpty
    {
      throw CLIError(
        "-o \(path): .\(URL(fileURLWithPath: path).pathExtension) is not a format ensemble writes; "
          + "use .csv, .npy, .npz or .json, or --format", status: .usage)
    }
    let built = try models.load(defaultMode: .average)
    try chosen.check(outputs: built.model.outputNames)
    let graph = built.graph
    clock.lap("load")
    let tensors = try InputFiles.read(input, format: inputFormat, shapes: graph.inputs.map(graph.shape))
    clock.lap("read")
    let results = try Executor(graph).predict(
      tensors, batchSize: batchSize, progress: Progress(label: "predict").update)
    clock.lap("compute")
    let named = zip(built.model.outputNames, results).map { (name: $0, tensor: $1) }
    try destination.write(try chosen.encode(named))
    clock.lap("write")
    if timing { note("timing: " + clock.report) }
  }
}
