import Graph
import JSON

/// LSTM, GRU and SimpleRNN (also as `RNN` around their cells), from a config and weights.
enum RecurrentLayer {
  /// A cell's own config keys, then the keys of the layer around it.
  static let cellKeys = ["units", "activation", "recurrent_activation", "use_bias", "reset_after"]
  static let flagKeys = ["return_sequences", "return_state", "go_backwards"]
  static let keys = cellKeys + flagKeys

  static func cell(_ className: String) -> String? {
    switch className {
    case "LSTM", "LSTMCell": return "LSTM"
    case "GRU", "GRUCell": return "GRU"
    case "SimpleRNN", "SimpleRNNCell": return "SimpleRNN"
    default: return nil
    }
  }

  static func slots(_ config: JSONValue) -> [WeightSlot] {
    [WeightSlot("kernel"), WeightSlot("recurrent_kernel")]
      + ((config["use_bias"]?.bool ?? true) ? [WeightSlot("bias")] : [])
  }

  /// The engine op for a recurrent layer of `className` with `config` and `weights`.
  static func op(
    _ className: String, _ config: JSONValue, weights: [Tensor], inputs: Int, context: LayerContext,
    zeroOutputForMask: Bool = false
  ) throws -> Recurrent {
    guard let name = cell(className) else { throw context.error("'\(className)' is not a recurrent layer") }
    if config["stateful"]?.bool == true { throw context.error("stateful recurrent layers are not supported") }
    if config["time_major"]?.bool == true { throw context.error("time_major recurrent layers are not supported") }
    guard let units = config["units"]?.int else { throw context.error("config 'units' is missing") }
    let useBias = config["use_bias"]?.bool ?? true
    let gates = name == "LSTM" ? 4 : name == "GRU" ? 3 : 1
    guard weights.count == (useBias ? 3 : 2) else {
      throw context.error("expected \(useBias ? 3 : 2) weights, found \(weights.count)")
    }
    func checked(_ index: Int, _ label: String, _ shapes: [[Int]]) throws -> Tensor {
      guard shapes.contains(weights[index].shape) else {
        throw context.error("weight '\(label)' has shape \(weights[index].shape), expected \(shapes[0])")
      }
      return weights[index]
    }
    let kernel = try checked(0, "kernel", [[inputs, gates * units]])
    let recurrentKernel = try checked(1, "recurrent_kernel", [[units, gates * units]])
    let bias = useBias ? try checked(2, "bias", [[gates * units], [2, gates * units]]) : nil
    let cell: Recurrent.Cell
    switch name {
    case "LSTM": cell = .lstm
    case "GRU": cell = .gru(resetAfter: config["reset_after"]?.bool ?? (bias?.shape.count == 2))
    default: cell = .simple
    }
    if case .gru(true) = cell, let bias, bias.shape != [2, gates * units] {
      throw context.error("weight 'bias' has shape \(bias.shape), expected [2, \(gates * units)] for reset_after")
    }
    return Recurrent(
      cell: cell, units: units, inputs: inputs, kernel: kernel.data, recurrentKernel: recurrentKernel.data,
      bias: bias?.data, activation: try activation(config, "activation", "tanh", context),
      recurrentActivation: try activation(config, "recurrent_activation", "sigmoid", context),
      returnSequences: config["return_sequences"]?.bool ?? false, returnState: config["return_state"]?.bool ?? false,
      goBackwards: config["go_backwards"]?.bool ?? false, zeroOutputForMask: zeroOutputForMask)
  }

  /// A cell's activation `key` (`fallback` when absent), one the gate arithmetic can apply.
  static func activation(_ config: JSONValue, _ key: String, _ fallback: String, _ context: LayerContext) throws
    -> Activation
  {
    let spec = config[key] ?? .string(fallback)
    let label = spec.string ?? spec["config"]?.string ?? fallback
    guard
      let activation = Activations.activation(label, dialect: context.dialect) ?? (label == "linear" ? .linear : nil)
    else {
      throw context.error("\(key) '\(label)' is not supported in a recurrent layer")
    }
    return activation
  }

  /// An RNN's `cell` entry as a merged file holds it: the cell's class (or StackedRNNCells of
  /// cells) with the config keys that matter, each activation a name.
  static func writtenCell(_ entry: JSONValue?) -> JSONValue {
    let className = entry?["class_name"]?.string ?? "?"
    let source = entry?["config"] ?? .object([])
    var config: JSONValue = [
      "name": source["name"] ?? "cell", "dtype": "float32", "trainable": source["trainable"] ?? .bool(true),
    ]
    if className == "StackedRNNCells" {
      config = config.setting("cells", .array((source["cells"]?.array ?? []).map { writtenCell($0) }))
    }
    for key in cellKeys {
      guard var value = source[key] else { continue }
      if key.hasSuffix("activation"), value.string == nil {
        value = value["config"]?.string.map(JSONValue.string) ?? value["config"]?["name"] ?? value
      }
      config = config.setting(key, value)
    }
    return ["module": "keras.layers", "class_name": .string(className), "config": config, "registered_name": .null]
  }

  /// The input's feature count, `(batch, time, features)`.
  static func features(_ context: LayerContext) throws -> Int {
    let shape = context.inputShape
    guard shape.rank == 3, let features = shape.dims[2] else {
      throw context.error("expected input (batch, time, features), got \(shape)")
    }
    return features
  }

  /// Adds the op, fed the input mask when there is one.
  static func add(_ op: Recurrent, _ context: LayerContext) throws -> [Graph.Value] {
    try context.addNode(.recurrent(op), [context.input] + (context.inputMask.map { [$0] } ?? []))
  }

  /// The config of an `RNN` layer wrapping a cell: the cell's config with the RNN's flags.
  static func unwrapped(_ config: JSONValue) -> (String, JSONValue)? {
    guard let cell = config["cell"], let className = cell["class_name"]?.string else { return nil }
    var merged = cell["config"] ?? .object([])
    for key in ["return_sequences", "return_state", "go_backwards", "stateful", "unroll", "time_major"] {
      if let value = config[key] { merged = merged.setting(key, value) }
    }
    return (className, merged)
  }
}

extension LayerKind {
  /// LSTM / GRU / SimpleRNN: weights kernel `(in, g·u)`, recurrent_kernel `(u, g·u)`, bias.
  static let recurrent = LayerKind(
    slots: RecurrentLayer.slots,
    keys: RecurrentLayer.keys,
    adapt: { config, layer, _, _ in
      // Files from Keras ≤ 2.2 have no reset_after (their default was false); written files say
      // it, from the bias shape, since today's default is true.
      guard layer.className == "GRU", config["reset_after"] == nil, layer.weights.count == 3 else { return config }
      return config.setting("reset_after", .bool(layer.weights[2].shape.count == 2))
    },
    activationIsInternal: true,
    variablePaths: { _ in ["cell/vars"] },
    build: { context in
      let op = try RecurrentLayer.op(
        context.layer.className, context.config, weights: context.layer.weights,
        inputs: try RecurrentLayer.features(context), context: context)
      let outputs = try RecurrentLayer.add(op, context)
      if op.returnSequences { context.outputMask = context.inputMask }
      return outputs
    })

  /// RNN(cell): the cell's layer with the RNN's flags; RNN over StackedRNNCells: see `StackedCells`.
  static let rnn = LayerKind(
    slots: { config in
      if let cells = StackedCells.cells(config) {
        return cells.flatMap { cell in RecurrentLayer.slots(cell.config).map { WeightSlot("\(cell.name)/\($0.name)") } }
      }
      return RecurrentLayer.unwrapped(config).map { RecurrentLayer.slots($0.1) } ?? []
    },
    keys: ["cell"] + RecurrentLayer.flagKeys,
    adapt: { config, _, _, _ in config.setting("cell", RecurrentLayer.writtenCell(config["cell"])) },
    activationIsInternal: true,
    variablePaths: { config in
      StackedCells.cells(config).map { cells in
        ArchiveWeights.groupKeys(classNames: cells.map(\.className)).map { "cell/cells/\($0)/vars" }
      } ?? ["cell/vars"]
    },
    writtenShares: { config, count in
      StackedCells.cells(config)?.map { RecurrentLayer.slots($0.config).count } ?? [count]
    },
    build: { context in
      if StackedCells.cells(context.config) != nil { return try StackedCells.build(&context) }
      guard let (className, config) = RecurrentLayer.unwrapped(context.config) else {
        throw context.error("RNN without a known cell")
      }
      let op = try RecurrentLayer.op(
        className, config, weights: context.layer.weights, inputs: try RecurrentLayer.features(context),
        context: context)
      let outputs = try RecurrentLayer.add(op, context)
      if op.returnSequences { context.outputMask = context.inputMask }
      return outputs
    })
}
