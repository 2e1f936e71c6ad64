import ArgumentParser
import Foundation
import Keras

/// `ensemble summary MODEL`: the table Keras's `model.summary()` prints.
struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's layers, output shapes and parameter counts, as Keras's model.summary().",
    discussion: "With several models and a MODE, the table of the merged graph.")

  @OptionGroup var models: ModelArguments

  @Flag(help: "Print the same facts as JSON, for scripts.")
  var json = false

  func run() throws {
    let summary = try Keras.Summary(try models.load(defaultMode: .average))
    try StandardStream.output.write(Data(((json ? summary.json.prettyText : summary.table) + "\n").utf8))
  }
}
