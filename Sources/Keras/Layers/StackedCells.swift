import Graph
import JSON

/// An RNN over StackedRNNCells: at each step cell i reads cell i−1's output; its output is the
/// last cell's and its states every cell's, in order. Since a cell sees only the step's input
/// and its own state, this is each cell run as its own layer over the whole sequence, all but
/// the last returning sequences (with `go_backwards`, the sequence and mask reversed first).
enum StackedCells {
  struct Cell {
    let className: String
    let name: String
    let config: JSONValue
  }

  /// The stacked cells of an RNN config, or nil when its cell is not StackedRNNCells.
  static func cells(_ config: JSONValue) -> [Cell]? {
    guard let cell = config["cell"], cell["class_name"]?.string == "StackedRNNCells" else { return nil }
    return (cell["config"]?["cells"]?.array ?? []).map { item in
      let config = item["config"] ?? .object([])
      return Cell(
        className: item["class_name"]?.string ?? "?", name: config["name"]?.string ?? "cell", config: config)
    }
  }

  static func build(_ context: inout LayerContext) throws -> [Graph.Value] {
    let config = context.config
    guard let cells = cells(config), !cells.isEmpty else { throw context.error("StackedRNNCells without cells") }
    for key in ["stateful", "unroll", "time_major"] where config[key]?.bool == true {
      throw context.error("\(key) recurrent layers are not supported")
    }
    let backwards = config["go_backwards"]?.bool ?? false
    var x = backwards ? try context.add(.reverseTime) : context.input
    let mask = try context.inputMask.map { backwards ? try context.add(.reverseTime, [$0]) : $0 }
    var states: [Graph.Value] = []
    var first = 0
    for (index, cell) in cells.enumerated() {
      let last = index == cells.count - 1
      let flags: [(String, JSONValue)] = [
        ("return_sequences", config["return_sequences"].map { last ? $0 : .bool(true) } ?? .bool(!last)),
        ("return_state", config["return_state"] ?? .bool(false)), ("go_backwards", .bool(false)),
      ]
      let cellConfig = flags.reduce(cell.config) { $0.setting($1.0, $1.1) }
      let count = RecurrentLayer.slots(cellConfig).count
      guard first + count <= context.layer.weights.count else {
        throw context.error("cell '\(cell.name)' needs \(count) weights, the layer has \(context.layer.weights.count)")
      }
      guard let features = context.graph.shape(x).dims.last ?? nil else {
        throw context.error("the features of cell '\(cell.name)''s input must be known")
      }
      let op = try RecurrentLayer.op(
        cell.className, cellConfig, weights: Array(context.layer.weights[first..<(first + count)]), inputs: features,
        context: context)
      first += count
      let outputs = try context.addNode(.recurrent(op), [x] + (mask.map { [$0] } ?? []))
      x = outputs[0]
      states += outputs.dropFirst()
    }
    if config["return_sequences"]?.bool == true { context.outputMask = context.inputMask }
    return [x] + states
  }
}
