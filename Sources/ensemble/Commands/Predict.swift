import ArgumentParser
import Foundation
import Graph
import Keras
import TensorIO

/// `ensemble predict MODEL --input FILE …`: run a model on data, as a streaming filter.
struct Predict: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a model, or an ensemble of models, on data and write the predictions.",
    discussion: """
      Rows are read, computed and written a batch at a time, in order, so memory stays flat \
      and output leaves as input arrives: `cat rows.csv | ensemble predict m.h5 --input - | …`.

      INPUTS: one --input per model input, in order, or one for all (an .npz or JSON Lines \
      objects holding them by name, or text whose columns are the inputs side by side). A \
      path may be - (stdin), a FIFO or /dev/fd/N, or FILE.h5:/dataset. The format comes from \
      --input-format, else the extension (.npy .npz .csv .txt .tsv .jsonl .ndjson), else the \
      first bytes: .npy/.npz magic, JSON Lines when the first character is [ or {, else \
      delimited text (the delimiter: tab, ; or , if in the first line, else blanks).

      HEADER RULE for text: the first line is a header when none of its fields is a number, \
      or when it is 0,1,…,n−1 (pandas' default column names) and the next line holds a \
      number that is not an integer. --header and --no-header override it; --verbose says \
      when one was skipped. A UTF-8 byte order mark is dropped; quoted numbers are read.

      OUTPUT: with several models they run as one merged graph (--average when no merge mode \
      is given). Predictions go to stdout as CSV unless --output names a file; the format \
      follows --format, else the file's extension. A file is written to a temporary file and \
      renamed when complete.

      EXIT STATUS: 0 success, 64 usage error, 65 bad data (a model or input that cannot be \
      read as one), 66 an input missing, 73 the output cannot be created, 74 an I/O error, \
      1 anything else.
      """)

  @OptionGroup var models: ModelArguments

  @Option(name: .shortAndLong, help: "Input data, once per model input in order, or once for all; - is stdin.")
  var input: [String] = []

  @Option(help: "How to read the inputs (default: from each extension, else from the first bytes).")
  var inputFormat: InputFormat?

  @Flag(
    inversion: .prefixedNo,
    help: "Whether text input starts with a header line (default: the header rule below).")
  var header: Bool?

  @Option(name: .shortAndLong, help: "Write predictions to this file instead of stdout.")
  var output: String?

  @Option(help: "Output format (default: from the --output extension, else csv).")
  var format: OutputFormat?

  @Flag(help: "Write each row's class: the index of its largest value.")
  var argmax = false

  @Option(help: ArgumentHelp("Write each row's K best classes, then their scores, best first.", valueName: "K"))
  var topK: Int?

  @Option(help: ArgumentHelp("Class names, one per line, written instead of class indices.", valueName: "FILE"))
  var labels: String?

  @Flag(help: "Write each member's output beside the merged one.")
  var members = false

  @Option(
    help: ArgumentHelp(
      "Significant digits of written values (default: the shortest that read back exactly).", valueName: "N"))
  var precision: Int?

  @Option(help: "Samples per batch, at most (default: chosen from the model's tensor and weight sizes).")
  var batchSize: Int?

  @Flag(help: "Replace an existing --output file.")
  var force = false

  @Flag(name: .shortAndLong, help: "Say nothing on stderr but warnings and errors (no progress).")
  var quiet = false

  @Flag(name: .shortAndLong, help: "Also say what was inferred: a skipped header, the rows and the time.")
  var verbose = false

  @Flag(help: "Print the time of each phase (load, predict) on stderr.")
  var timing = false

  func validate() throws {
    guard !input.isEmpty else { throw ValidationError("give at least one --input file") }
    if let batchSize, batchSize <= 0 { throw ValidationError("--batch-size must be positive") }
    if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1") }
    if argmax, topK != nil { throw ValidationError("give --argmax or --top-k, not both") }
    if labels != nil, !argmax, topK == nil { throw ValidationError("--labels names classes; add --argmax or --top-k") }
    if let precision, !(1...17).contains(precision) { throw ValidationError("--precision must be 1 to 17") }
    if quiet, verbose { throw ValidationError("give --quiet or --verbose, not both") }
    if members, models.models.count < 2 { throw ValidationError("--members needs several models") }
    if input.filter({ $0 == "-" }).count + models.models.filter({ $0 == "-" }).count > 1 {
      throw ValidationError("only one of the models and inputs can come from standard input ('-')")
    }
  }

  func run() throws {
    Verbosity.current = quiet ? .quiet : verbose ? .verbose : .normal
    var clock = PhaseClock()
    let chosen = format ?? output.flatMap(OutputFormat.init(path:)) ?? .csv
    let destination = try OutputTarget.resolve(
      output, force: force, inputs: models.inputFiles + input + (labels.map { [$0] } ?? []), binary: chosen.isBinary,
      hint: "use -o FILE or a pipe")
    // A file's extension names its format; one ensemble does not write is refused (a device or
    // FIFO has no format to respect).
    if case .file(let path) = destination, format == nil, OutputFormat(path: path) == nil,
      !URL(fileURLWithPath: path).pathExtension.isEmpty
    {
      throw CLIError(
        "-o \(path): .\(URL(fileURLWithPath: path).pathExtension) is not a format ensemble writes; "
          + "use .csv, .tsv, .npy, .npz, .json or .ndjson, or --format", status: .usage)
    }
    let built = try models.load(defaultMode: .average)
    let graph = built.graph
    let outputs = try outputValues(built)
    let classNames = try labels.map { try readLabels($0, outputs: outputs.map { graph.shape($0.value) }) }
    try chosen.check(groups: groupNames(outputs.map(\.name)), labels: classNames != nil)
    let rows = try InputRows(
      input, format: inputFormat, header: header.map { $0 ? .present : .absent } ?? .automatic,
      shapes: graph.inputs.map(graph.shape), names: built.model.inputs.map(\.layer))
    clock.lap("load")

    let original = graph.outputs
    graph.outputs = outputs.map(\.value)
    defer { graph.outputs = original }
    let executor = Executor(graph)
    let batch = batchSize ?? executor.automaticBatchSize
    // Rows read, computed and written at a time: four batches per core, and for small samples
    // up to a million values in and out, so cheap models are not paced by thread handovers.
    let values = (graph.inputs + graph.outputs).reduce(0) {
      $0 + (graph.shape($1).features.reduce(1) { $0 * ($1 ?? 1) })
    }
    let window = max(batch * ProcessInfo.processInfo.activeProcessorCount * 4, min(1 << 16, (1 << 20) / max(values, 1)))
    let channel = try destination.open()
    var writer = chosen.writer(
      totalRows: rows.totalRows, patchable: channel.isSeekable, precision: precision, header: false)
    let progress = Progress(label: "predict", quiet: quiet)
    var done = 0
    while let inputs = try clock.part("reading", { try rows.next(rows: window) }) {
      if done == 0 { reportHeaders(rows) }
      let results = try executor.predict(inputs, batchSize: batch)
      let count = inputs.first?.shape.first ?? 0
      let groups = zip(outputs, results).flatMap { shaped($1, name: $0.name, labels: classNames) }
      try channel.write(try writer.write(groups, rows: count))
      done += count
      progress.update(done, total: rows.totalRows, fraction: rows.fractionRead)
    }
    if done == 0 { reportHeaders(rows) }
    let (tail, start) = try writer.finish()
    for piece in tail { try channel.write(piece) }
    if let start { try channel.overwriteStart(start) }
    try channel.commit()
    progress.finish()
    clock.lap("predict")
    detail("note: \(done) rows in \(String(format: "%.2f", clock.total)) s")
    if timing { note("timing: " + clock.report) }
  }

  private func reportHeaders(_ rows: InputRows) {
    for (file, line) in rows.droppedHeaders { detail("note: \(file): skipped the header line '\(line)'") }
  }

  /// The graph values written: the model's outputs, then with `--members` each member's.
  private func outputValues(_ built: BuiltModel) throws -> [(name: String, value: Graph.Value)] {
    var values = zip(built.model.outputNames, built.graph.outputs).map { (name: $0, value: $1) }
    if members {
      let refs = built.model.memberOutputs
      for (index, ref) in refs.enumerated() {
        guard let value = built.value(of: ref) else { continue }
        let name =
          refs.count == models.models.count ? URL(fileURLWithPath: models.models[index]).lastPathComponent : ref.layer
        values.append((name, value))
      }
    }
    if argmax || topK != nil {
      for output in values where built.graph.shape(output.value).rank != 2 {
        throw CLIError(
          "--\(argmax ? "argmax" : "top-k") takes outputs of (rows, classes); \(output.name) has shape "
            + "\(built.graph.shape(output.value))", status: .usage)
      }
    }
    return values
  }

  /// The names of the groups each output becomes.
  private func groupNames(_ outputs: [String]) -> [String] {
    outputs.flatMap { topK != nil ? [$0 + ":classes", $0 + ":scores"] : [$0] }
  }

  /// One output batch as written: its values, its class, or its best classes and scores.
  private func shaped(_ tensor: Tensor, name: String, labels: [String]?) -> [OutputColumns] {
    if let topK {
      let (classes, scores) = OutputColumns.topK(tensor, k: topK, name: name)
      return [labels.map(classes.labelled) ?? classes, scores]
    }
    if argmax {
      let classes = OutputColumns.argmax(tensor, name: name)
      return [labels.map(classes.labelled) ?? classes]
    }
    return [OutputColumns(name: name, tensor: tensor)]
  }

  /// The class names of `path`, one per line, as many as every output has classes.
  private func readLabels(_ path: String, outputs: [Shape]) throws -> [String] {
    let text = String(decoding: try InputBytes.read(path, what: "a labels file"), as: UTF8.self)
    var names = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    while names.last == "" { names.removeLast() }
    for shape in outputs {
      if let classes = shape.features.last ?? nil, classes != names.count {
        throw CLIError("\(path): \(names.count) labels, the output has \(classes) classes", status: .dataError)
      }
    }
    return names
  }
}
