import JSON

/// Reads a `model_config` JSON document into a `KerasModel` (no weights yet), accepting both
/// Keras 2 and Keras 3 spellings: bare-list or keyed Sequential configs, `batch_input_shape`
/// or `batch_shape`, list or dict inbound nodes, flat or nested input/output references.
enum ModelConfig {
  static func parse(_ json: JSONValue, dialect: Dialect, version: String?) throws -> KerasModel {
    guard let className = json["class_name"]?.string else {
      throw KerasError("model_config has no class_name")
    }
    let config = json["config"] ?? .null
    switch className {
    case "Sequential":
      return try sequential(config, dialect: dialect, version: version)
    case "Functional", "Model":
      return try functional(config, dialect: dialect, version: version)
    default:
      throw KerasError(
        "model class '\(className)' is not Sequential or Functional (a subclassed model keeps "
          + "its architecture in Python code, which cannot be read)")
    }
  }

  /// The input name of a Sequential that has no InputLayer of its own.
  static let externalInput = "<input>"

  /// Whether a layer entry is itself a model.
  static func isModel(_ className: String) -> Bool {
    ["Sequential", "Functional", "Model"].contains(className)
  }

  static func sequential(_ config: JSONValue, dialect: Dialect, version: String?) throws -> KerasModel {
    let entries = config.array ?? config["layers"]?.array ?? []
    let name = config["name"]?.string ?? "sequential"
    var layers: [KerasLayer] = []
    for entry in entries {
      var layer = try layerEntry(entry, dialect: dialect, version: version, fallbackName: "layer_\(layers.count)")
      layer.calls = []
      layers.append(layer)
    }
    if layers.first?.className != "InputLayer" {
      let shape =
        layers.first?.config["batch_input_shape"] ?? layers.first?.config["batch_shape"]
        ?? config["build_input_shape"]
      if let shape, !shape.isNull {
        let inputName = (layers.first?.name ?? name) + "_input"
        layers.insert(
          KerasLayer(
            className: "InputLayer", name: inputName,
            config: ["batch_input_shape": shape, "name": .string(inputName)], calls: []),
          at: 0)
      }
    }
    // A Sequential with no input shape (nested in another model) takes its caller's tensor.
    let input = TensorRef(
      layer: layers.first?.className == "InputLayer" ? layers[0].name : externalInput, node: 0, tensor: 0)
    var previous = input
    for index in layers.indices where layers[index].className != "InputLayer" {
      layers[index].calls = [[previous]]
      previous = TensorRef(layer: layers[index].name, node: 0, tensor: 0)
    }
    return KerasModel(
      name: name, isSequential: true, layers: layers, inputs: [input], outputs: [previous],
      dialect: dialect, kerasVersion: version)
  }

  static func functional(_ config: JSONValue, dialect: Dialect, version: String?) throws -> KerasModel {
    var layers: [KerasLayer] = []
    for entry in config["layers"]?.array ?? [] {
      layers.append(try layerEntry(entry, dialect: dialect, version: version, fallbackName: nil))
    }
    let outputs = try refList(config["output_layers"])
    return KerasModel(
      name: config["name"]?.string ?? "model", isSequential: false, layers: prunedOperations(layers, outputs: outputs),
      inputs: try refList(config["input_layers"]), outputs: outputs, dialect: dialect, kerasVersion: version)
  }

  /// The layers without the operation nodes nothing reads (they hold no weights): Keras 3
  /// records the computation of a propagated mask (`NotEqual` of an Embedding's ids,
  /// Masking's `NotEqual` and `Any`) as such nodes.
  static func prunedOperations(_ layers: [KerasLayer], outputs: [TensorRef]) -> [KerasLayer] {
    var kept = layers
    while true {
      let read = Set(kept.flatMap { $0.calls.flatMap { $0.map(\.layer) } } + outputs.map(\.layer))
      let next = kept.filter { !$0.isOperation || read.contains($0.name) }
      if next.count == kept.count { return kept }
      kept = next
    }
  }

  static func layerEntry(_ entry: JSONValue, dialect: Dialect, version: String?, fallbackName: String?)
    throws -> KerasLayer
  {
    guard let className = entry["class_name"]?.string else {
      throw KerasError("a layer entry has no class_name")
    }
    let config = entry["config"] ?? .object([])
    guard let name = entry["name"]?.string ?? config["name"]?.string ?? fallbackName else {
      throw KerasError(className: className, "a layer entry has no name")
    }
    let nodes = entry["inbound_nodes"]?.array ?? []
    var layer = KerasLayer(
      className: className, name: name, config: config,
      calls: try nodes.map { try callRefs($0, form: LayerTable.kinds[className]?.callForm ?? .tensors) })
    if try nodes.contains(where: { try tensorRef($0) != nil }) {
      layer.callKeywords = nodes.map { $0[3] ?? .null }
    } else {
      // Keras 3's `kwargs`, or Keras 2's keywords beside the first tensor (a TFOpLambda of a
      // list of tensors, tf.concat, lists each with the call's keywords).
      layer.callKeywords = nodes.map { $0["kwargs"] ?? $0[0]?[3] ?? .null }
    }
    // A Keras 3 operation on symbolic tensors: its numbers sit among the call's arguments. Keras
    // 3's .h5 files drop `module`; there, a class that is no layer but an operation ensemble
    // runs or one of a mask's is one, and so is any node of boolean tensors (a mask's).
    let arguments = nodes.first?["args"]
    let unnamedOperation =
      entry["module"] == nil && arguments != nil
      && ((LayerTable.kinds[className] == nil
        && (KerasOperation.runs(className) || KerasOperation.maskClasses.contains(className)))
        || booleanTensors(arguments ?? .null))
    if unnamedOperation || entry["module"]?.string.map(KerasOperation.isOperation(module:)) == true {
      layer.isOperation = true
      layer.callKeywords = nodes
    }
    if isModel(className) {
      layer.submodel = try parse(
        ["class_name": .string(className), "config": config], dialect: dialect, version: version)
    }
    return layer
  }

  /// The tensors of one call: K2 `[["a", 0, 0, {}], …]`, tf_keras's TFOpLambda one level
  /// shallower `["a", 0, 0, {kwargs}]` (tensors among the kwargs as `["b", 0, 0]`), or K3
  /// `{"args": […], "kwargs": {…}}`.
  static func callRefs(_ call: JSONValue, form: CallForm) throws -> [TensorRef] {
    if let ref = try tensorRef(call) {
      let keywordTensors = try (call[3]?.members ?? []).compactMap { try tensorRef($0.1) }
      return [ref] + keywordTensors
    }
    if let items = call.array {
      var refs = try items.map { item in
        guard let ref = try tensorRef(item) else { throw KerasError("bad inbound node \(item.text)") }
        return ref
      }
      for key in form.keywordTensors {
        if let extra = items.first?[3]?[key], let ref = try tensorRef(extra) { refs.append(ref) }
      }
      return refs
    }
    // A `mask` keyword holds the sequence mask Keras propagates itself from an Embedding or
    // Masking, which ensemble propagates too: it is no input (see `prunedOperations`).
    let tensors = kerasTensors(call["args"] ?? .null) + kerasTensors((call["kwargs"] ?? .null).removing("mask"))
    return try tensors.compactMap { try $0["config"]?["keras_history"].flatMap(tensorRef) }
  }

  /// The `__keras_tensor__` entries of a Keras 3 call's arguments, in order, through lists and
  /// keyword objects.
  static func kerasTensors(_ value: JSONValue) -> [JSONValue] {
    if value["class_name"]?.string == "__keras_tensor__" { return [value] }
    if let items = value.array { return items.flatMap(kerasTensors) }
    return (value.members ?? []).flatMap { kerasTensors($0.1) }
  }

  /// Whether a Keras 3 call's arguments hold tensors, every one boolean.
  static func booleanTensors(_ value: JSONValue) -> Bool {
    let dtypes = kerasTensors(value).map { $0["config"]?["dtype"]?.string ?? "" }
    return !dtypes.isEmpty && dtypes.allSatisfy { $0 == "bool" }
  }

  /// `["name", node, tensor, …]`, or nil when the value is not of that form.
  static func tensorRef(_ value: JSONValue) throws -> TensorRef? {
    guard let items = value.array, items.count >= 3, let layer = items[0].string else { return nil }
    if layer == "_CONSTANT_VALUE" {
      throw KerasError("a constant value in a layer call (tf_keras's _CONSTANT_VALUE) is not supported")
    }
    guard let node = items[1].int, let tensor = items[2].int else { return nil }
    return TensorRef(layer: layer, node: node, tensor: tensor)
  }

  /// input_layers / output_layers: one flat reference, a list of them, or (Keras 3, a model of
  /// a dictionary) an object of them, taken in sorted key order as Keras flattens it.
  static func refList(_ value: JSONValue?) throws -> [TensorRef] {
    guard let value else { return [] }
    if let ref = try tensorRef(value) { return [ref] }
    if let members = value.members {
      return try members.sorted { $0.0 < $1.0 }.flatMap { try refList($0.1) }
    }
    return try (value.array ?? []).map { item in
      guard let ref = try tensorRef(item) else { throw KerasError("bad input/output reference \(item.text)") }
      return ref
    }
  }
}
