import ArgumentParser
import Foundation
import Keras

/// `ensemble summary MODEL`: the table Keras's `model.summary()` prints, with FLOPs and
/// memory, or a picture of the model.
struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print a model's layers, output shapes, parameters and FLOPs, as Keras's model.summary(), or draw it.",
    discussion: """
      With several models and a MODE, the table of the merged graph. FLOPs are floating-point \
      operations per sample, a multiply and an add counting as two: 2·in·units (+ bias) per row \
      for Dense, 2·taps·in/groups·filters (+ bias) per output pixel for convolutions, \
      2·(in + units)·gates·units per step for recurrent layers, one per window tap for pooling, \
      one per element for activations (softmax and normalisation 5, scale-and-shift 2), none for \
      reshapes. The totals add the peak activation memory of one sample as the executor plans it.

      --graph draws the model with Graphviz: DOT text on stdout, or -o FILE.dot, FILE.svg or \
      FILE.png (rendered by Graphviz's dot). Each ensemble member is a cluster labelled with its \
      file; shared inputs stay outside; the merge layers are filled.
      """)

  @OptionGroup var models: ModelArguments

  @Flag(help: "Print the same facts as JSON, for scripts.")
  var json = false

  @Flag(help: "Draw the model as a Graphviz graph instead of a table.")
  var graph = false

  @Option(name: .shortAndLong, help: "With --graph: write FILE.dot, FILE.svg or FILE.png instead of DOT on stdout.")
  var output: String?

  @Option(help: "With --graph: top to bottom (TB) or left to right (LR).")
  var rankdir: Direction = .TB

  @Flag(inversion: .prefixedNo, help: "With --graph: show each layer's output shape.")
  var showShapes = true

  @Flag(help: "With --graph: draw the layers inside nested models, each nested model as a cluster.")
  var expandNested = false

  @Flag(help: "Replace an existing -o file.")
  var force = false

  enum Direction: String, ExpressibleByArgument, CaseIterable {
    case TB, LR
  }

  func validate() throws {
    if !graph, output != nil || expandNested || !showShapes || rankdir != .TB {
      throw ValidationError("-o, --rankdir, --no-show-shapes and --expand-nested go with --graph")
    }
    if graph, json { throw ValidationError("give --graph or --json, not both") }
    if let output, GraphFormat(path: output) == nil {
      throw ValidationError("-o takes FILE.dot, FILE.svg or FILE.png; got \(output)")
    }
  }

  func run() throws {
    guard graph else {
      let summary = try Keras.Summary(try models.load(defaultMode: .average))
      try StandardStream.output.write(Data(((json ? summary.json.prettyText : summary.table) + "\n").utf8))
      return
    }
    let format = output.flatMap(GraphFormat.init(path:)) ?? .dot
    let destination = try OutputTarget.resolve(
      output, force: force, inputs: models.inputFiles, binary: format == .png, hint: "use -o FILE.png")
    var built = try models.load(defaultMode: .average)
    if expandNested, built.model.layers.contains(where: { $0.submodel != nil }) {
      built = try built.model.inlined().build()
    }
    var picture = Picture(summary: try Keras.Summary(built), model: built.model)
    picture.direction = rankdir == .LR ? .LR : .TB
    picture.showShapes = showShapes
    try destination.write(try format.render(picture.dot))
  }
}
