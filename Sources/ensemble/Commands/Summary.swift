import ArgumentParser
import Keras
import Merge

/// `ensemble summary MODEL`: the table Keras's `model.summary()` prints.
struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's layers, output shapes and parameter counts, as Keras's model.summary().",
    discussion: "With several models and a MODE, the table of the merged graph.")

  @OptionGroup var mode: MergeOptions

  @OptionGroup var architectures: ArchitectureOptions

  @Argument(help: "Model files (.h5, .keras, or weights-only with --config); one may be - for stdin.")
  var models: [String] = []

  @Flag(help: "Print the same facts as JSON, for scripts.")
  var json = false

  func validate() throws {
    guard !models.isEmpty else { throw ValidationError("give a model file") }
    try mode.validate(models: models.count)
  }

  func run() throws {
    let loaded = try ModelSet.load(
      models, options: mode, architectures: architectures, defaultMode: .average)
    let summary = try Keras.Summary(loaded, built: try loaded.build())
    print(json ? summary.json.prettyText : summary.table)
  }
}
