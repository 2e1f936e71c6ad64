import Graph
import JSON

/// One weight a layer stores, in file order.
public struct WeightSlot: Equatable {
  public let name: String
  public let trainable: Bool

  init(_ name: String, trainable: Bool = true) {
    self.name = name
    self.trainable = trainable
  }
}

/// How one Keras layer class maps onto the engine: which weights it stores, how it becomes
/// graph nodes, and which config keys a merged file must keep for Keras to rebuild it.
struct LayerKind {
  /// The weights the layer stores, from its config alone (no shapes needed).
  var slots: (JSONValue) -> [WeightSlot] = { _ in [] }
  /// Config keys that matter for inference; a written file keeps only these (and `name`).
  var keys: [String] = []
  /// Keras 3 spellings of those keys (`alpha` ← `negative_slope`), read when the key is absent.
  var renames: [String: String] = [:]
  /// Keys a loader requires, with the value to write when the source config lacks them.
  var required: [(String, JSONValue)] = []
  /// A last change to a written config, for layers whose config the loaders read differently
  /// or which an old file left implicit: the config, the layer (with its weights), its input
  /// shapes, and which loader the file is for.
  var adapt: ((JSONValue, KerasLayer, [Shape], ModelWriter.Target) -> JSONValue)? = nil
  /// Whether the `activation` key acts inside the layer (a recurrent cell's), so it cannot be
  /// split off into layers after it (see HardSigmoid.swift).
  var activationIsInternal = false
  /// How a call's input tensors are written in `inbound_nodes` (see InboundNodes.swift).
  var callForm: CallForm = .tensors
  /// Where a Keras 3 weights file keeps the variables of a layer of this config, relative to
  /// its group, in order; the reader concatenates those present.
  var variablePaths: (JSONValue) -> [String] = { _ in ["vars"] }
  /// How a written file spreads a layer's `count` weights over the first variable paths: all
  /// in the first, or in even parts (the two directions of Bidirectional, the four
  /// projections of MultiHeadAttention), or per cell of stacked recurrent cells.
  var writtenShares: (_ config: JSONValue, _ count: Int) -> [Int] = { _, count in [count] }
  /// Whether Keras 3 finds the class only through `module` (its loader's registry of
  /// module-less configs lacks it), so a Keras 3 file names `keras.layers`.
  var locatedByModule = false
  /// Why no Keras file can hold this layer (it exists only inside ensemble), or nil.
  var unwritable: String? = nil
  /// A note for the user when a file for `target` holds this layer and some loader will not
  /// read it as meant; nil when there is nothing to say.
  var caveat: ((KerasLayer, ModelWriter.Target) -> String?)? = nil
  /// Whether a sequence mask on the (first) input passes on to the output, as Keras's
  /// `supports_masking` layers do. Layers that make or consume masks set `outputMask` instead.
  var propagatesMask = false
  /// Adds the layer's nodes for one call and returns its outputs.
  var build: (inout LayerContext) throws -> [Graph.Value]
}

/// `count` weights in `parts` even shares, for `LayerKind.writtenShares`.
func evenShares(_ parts: Int) -> (JSONValue, Int) -> [Int] {
  { _, count in Array(repeating: count / parts, count: parts) }
}

/// What a layer builder sees: its config, its inputs, its weights and the graph to add to.
struct LayerContext {
  let layer: KerasLayer
  let inputs: [Graph.Value]
  let graph: Graph
  let dialect: Dialect
  /// The inputs' sequence masks, `(batch, time)` of 1s and 0s, where Keras would carry one.
  var masks: [Graph.Value?] = []
  /// The mask the layer's output carries, set by builders that make one.
  var outputMask: Graph.Value? = nil
  /// This call's inline keyword arguments (see `KerasLayer.callKeywords`), or null.
  var keywords: JSONValue = .null

  var config: JSONValue { layer.config }
  var inputMask: Graph.Value? { masks.first ?? nil }
  var input: Graph.Value { inputs[0] }
  var inputShape: Shape { graph.shape(inputs[0]) }

  func error(_ message: String) -> KerasError {
    KerasError(layer: layer.name, className: layer.className, message)
  }

  /// Adds a node, turning a shape error into one that names this layer.
  func add(_ op: Op, _ values: [Graph.Value]? = nil) throws -> Graph.Value {
    do {
      return try graph.add(op, values ?? inputs)
    } catch let error as GraphError {
      throw self.error(error.description)
    }
  }

  /// Adds a node of several outputs (a recurrent layer's sequence and states) and returns them.
  func addNode(_ op: Op, _ values: [Graph.Value]) throws -> [Graph.Value] {
    do {
      return try graph.addNode(op, values)
    } catch let error as GraphError {
      throw self.error(error.description)
    }
  }

  // MARK: Config values

  func int(_ key: String) throws -> Int {
    guard let value = config[key]?.int ?? config[key]?[0]?.int else {
      throw error("config '\(key)' is missing or not an integer")
    }
    return value
  }

  func int(_ key: String, default fallback: Int) -> Int { config[key]?.int ?? fallback }

  func ints(_ key: String) throws -> [Int] {
    guard let items = config[key]?.array else {
      if let single = config[key]?.int { return [single] }
      throw error("config '\(key)' is missing or not a list of integers")
    }
    return try items.map { item in
      guard let value = item.int else { throw error("config '\(key)' has a non-integer \(item.text)") }
      return value
    }
  }

  func float(_ key: String, default fallback: Float) -> Float {
    config[key]?.double.map(Float.init) ?? fallback
  }

  func bool(_ key: String, default fallback: Bool) -> Bool { config[key]?.bool ?? fallback }

  func string(_ key: String, default fallback: String) -> String { config[key]?.string ?? fallback }

  /// The one axis of an `axis` config that may be an int or a one-element list.
  func axis(_ key: String = "axis", default fallback: Int) throws -> Int {
    guard let value = config[key], !value.isNull else { return fallback }
    if let axis = value.int { return axis }
    if let items = value.array, items.count == 1, let axis = items[0].int { return axis }
    throw error("config '\(key)' = \(value.text) is not a single axis")
  }

  // MARK: Weights

  /// The weight at `index`, checked against the expected shape.
  func weight(_ index: Int, _ name: String, shape expected: [Int]) throws -> [Float] {
    guard layer.weights.indices.contains(index) else {
      throw error("weight '\(name)' is missing (the file has \(layer.weights.count) weights)")
    }
    let tensor = layer.weights[index]
    guard
      tensor.shape == expected
        || (tensor.count == expected.reduce(1, *) && expected.count <= 1 && tensor.shape.count <= 1)
    else {
      throw error("weight '\(name)' has shape \(tensor.shape), expected \(expected)")
    }
    return tensor.data
  }

  /// Runs `body` on the input in channels-last layout: a `data_format: channels_first` input is
  /// transposed to channels-last before and back after.
  func channelsLast(_ body: (Graph.Value) throws -> Graph.Value) throws -> Graph.Value {
    guard string("data_format", default: "channels_last") == "channels_first" else { return try body(input) }
    let rank = inputShape.rank
    let inward = try add(.transpose(perm: [0] + Array(2..<rank) + [1]))
    let result = try body(inward)
    let outRank = graph.shape(result).rank
    return try add(.transpose(perm: [0, outRank - 1] + Array(1..<(outRank - 1))), [result])
  }

  /// A window parameter (`kernel_size`, `strides`, …) as one value per spatial axis.
  func window(_ key: String, axes: Int, default fallback: Int? = nil) throws -> [Int] {
    guard let value = config[key], !value.isNull else {
      guard let fallback else { throw error("config '\(key)' is missing") }
      return Array(repeating: fallback, count: axes)
    }
    let values = try ints(key)
    return values.count == 1 ? Array(repeating: values[0], count: axes) : values
  }

  /// The `padding` config entry.
  func padding() throws -> Padding {
    guard let padding = Padding(rawValue: string("padding", default: "valid").lowercased()) else {
      throw error("padding '\(string("padding", default: ""))' is not valid, same or causal")
    }
    return padding
  }

  /// Applies the `activation` config entry, if any, after `value`.
  func activate(_ value: Graph.Value, key: String = "activation") throws -> Graph.Value {
    guard let spec = config[key], !spec.isNull else { return value }
    let op = try Activations.op(spec, dialect: dialect, layer: layer)
    guard let op else { return value }
    return try add(op, [value])
  }
}
