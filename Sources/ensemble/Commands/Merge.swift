import ArgumentParser
import Foundation
import Keras

/// `ensemble merge MODE MODEL MODEL … -o FILE`: one Keras .h5 holding the whole ensemble.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge two or more models into one Keras .h5 file that Keras loads as it is.",
    discussion: """
      The file is built from stock Keras layers only (Add, Multiply, Average, Maximum, Minimum, \
      Concatenate, Rescaling), so keras.models.load_model and tf_keras load it without custom code. \
      Members that take the same inputs share them; otherwise each member's inputs follow in model \
      order. With no -o, the file goes to stdout when stdout is not a terminal.
      """)

  @OptionGroup var mode: MergeOptions

  @OptionGroup var architectures: ArchitectureOptions

  @Argument(help: "Two or more model files (.h5, .keras, or weights-only with --config); one may be - for stdin.")
  var models: [String] = []

  @Option(
    name: .shortAndLong, help: "The merged file to write (.h5, or .keras for a Keras 3 archive), or - for stdout (.h5)."
  )
  var output: String?

  @Flag(help: "Replace an existing output file.")
  var force = false

  func validate() throws {
    guard models.count >= 2 else { throw ValidationError("merge needs at least two models, got \(models.count)") }
    try mode.validate(models: models.count)
  }

  func run() throws {
    let merged = try ModelSet.load(
      models, options: mode, architectures: architectures, defaultMode: nil)
    let summary = try Keras.Summary(merged, built: try merged.build())
    let archive = output?.lowercased().hasSuffix(".keras") ?? false
    let write = { (path: String) in
      archive ? try ArchiveWriter.write(merged, to: path) : try ModelWriter.write(merged, to: path)
    }
    if let output, output != "-" {
      try AtomicFile.write(to: output, force: force, inputs: models + architectures.configs, write)
      if let layer = merged.layers.first(where: { $0.config.contains(string: "hard_sigmoid") }) {
        note(
          "note: layer '\(layer.name)' keeps a recurrent hard_sigmoid, which Keras 3 computes as clip(x/6 + 0.5) "
            + "where tf_keras and ensemble compute clip(0.2x + 0.5): the file is exact in tf_keras")
      }
      if !archive, merged.layers.contains(where: { $0.className == "MultiHeadAttention" }) {
        note(
          "note: Keras 3 reads MultiHeadAttention from a .keras file only (tf_keras and Keras 3 want different "
            + "configs for it in .h5); use -o x.keras for Keras 3")
      }
      note(
        "wrote \(output): \(models.count) models, \(summary.rows.count) layers, \(Keras.Summary.grouped(summary.totalParams)) params"
      )
    } else {
      guard output == "-" || isatty(STDOUT_FILENO) == 0 else {
        throw CLIError("refusing to write a binary .h5 to the terminal; use -o FILE (or -o - to force stdout)")
      }
      FileHandle.standardOutput.write(try AtomicFile.bytes(write))
    }
  }
}
