import ArgumentParser
import Keras

/// `ensemble summary MODEL`: the table Keras's `model.summary()` prints.
struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's layers, output shapes and parameter counts, as Keras's model.summary().")

  @Argument(help: "A Keras .h5 model file, or - for standard input.")
  var model: String

  @Flag(help: "Print the same facts as JSON, for scripts.")
  var json = false

  func run() throws {
    let loaded = try ModelSource.load(model)
    let summary = try Keras.Summary(loaded, built: try loaded.build())
    print(json ? summary.json.prettyText : summary.table)
  }
}
