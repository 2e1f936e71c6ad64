import ArgumentParser
import Keras

/// `ensemble merge MODE MODEL MODEL … -o FILE`: one Keras .h5 holding the whole ensemble.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge two or more models into one Keras .h5 file that Keras loads as it is.",
    discussion: """
      The file is built from stock Keras layers only (Add, Subtract, Multiply, Average, Maximum, \
      Minimum, Concatenate, Rescaling, Activation), so keras.models.load_model and tf_keras load it \
      without custom code. Members that take the same inputs share them; otherwise each member's \
      inputs follow in model order. --soup, --slerp and --task-arithmetic write one model of the \
      members' architecture with combined weights. --vote hard and the weighted product of outputs \
      that are not all softmax or all sigmoid have no stock layer: predict computes them. With no \
      -o, the file goes to stdout when stdout is not a terminal.
      """)

  @OptionGroup var models: ModelArguments

  @Option(
    name: .shortAndLong, help: "The merged file to write (.h5, or .keras for a Keras 3 archive), or - for stdout (.h5)."
  )
  var output: String?

  @Flag(help: "Replace an existing output file.")
  var force = false

  func validate() throws {
    guard models.mode.given else { throw ValidationError(MergeModeOptions.missing) }
    if models.mode.vote == .hard {
      throw ValidationError(
        "merge cannot write --vote hard to a Keras file: a hard vote takes an argmax, which no stock Keras layer "
          + "computes; ensemble predict computes it")
    }
    guard models.models.count >= models.mode.minimumModels else {
      throw ValidationError("merge needs at least \(models.mode.minimumModels) models, got \(models.models.count)")
    }
  }

  func run() throws {
    let destination = try OutputTarget.resolve(
      output, force: force, inputs: models.inputFiles, binary: output != "-",
      hint: "use -o FILE (or -o - to write the .h5 to standard output anyway)")
    let merged = try models.load(defaultMode: nil)
    if let reason = ModelWriter.refusal(for: merged.model) {
      throw CLIError(
        "merge cannot write this ensemble to a Keras file: \(reason); ensemble predict computes it",
        status: .dataError)
    }
    let format: ModelWriter.Target = output?.lowercased().hasSuffix(".keras") ?? false ? .keras3 : .keras2
    try destination.write(
      format == .keras3
        ? try ArchiveWriter.write(merged) : try ModelWriter.write(merged, testVector: try TestVector.make(for: merged)))
    guard let output, output != "-" else { return }
    for caveat in merged.model.caveats(for: format) { note("note: " + caveat) }
    let summary = try Keras.Summary(merged)
    note(
      "wrote \(output): \(models.models.count) models, \(summary.rows.count) layers, "
        + "\(Keras.Summary.grouped(summary.totalParams)) params")
  }
}
