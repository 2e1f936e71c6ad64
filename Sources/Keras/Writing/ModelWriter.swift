import Foundation
import Graph
import HDF5
import JSON

/// Writes a model as a full-model Keras `.h5` that both `tf_keras.models.load_model` and
/// Keras 3's `keras.models.load_model` read: a Keras-2-style Functional config with only the
/// keys each layer needs, plain-string dtypes, list-form inbound nodes, and weights under
/// `model_weights` in Keras's own layer order.
public enum ModelWriter {
  /// The version written into the file; tf_keras reads a missing one as "Keras 1".
  static let kerasVersion = "2.15.0"

  /// The file's bytes (written in memory, so that no half-written file can exist), with
  /// `testVector` stored for `ensemble verify` when given.
  public static func write(_ built: BuiltModel, testVector: TestVector? = nil) throws -> Data {
    let flat = try built.flat()
    let file = try File(creatingInMemory: "\(built.model.name).h5")
    try file.root.writeString("model_config", try config(flat, for: .keras2).text)
    try file.root.writeString("keras_version", kerasVersion)
    try file.root.writeString("backend", "tensorflow")
    let weights = try file.root.createGroup("model_weights")
    try weights.writeString("keras_version", kerasVersion, ascii: true)
    try weights.writeString("backend", "tensorflow", ascii: true)
    let ordered = flat.model.orderedLayers
    let inputs = flat.model.layers.filter { $0.className == "InputLayer" && !ordered.map(\.name).contains($0.name) }
    try weights.writeNameList("layer_names", (inputs + ordered).map(\.name))
    for layer in inputs + ordered {
      // A name with `/` nests groups, and a layer's group may already exist as another's parent
      // (MobileNetV3's `expanded_conv/depthwise/pad` before `expanded_conv/depthwise`).
      let group = weights.contains(layer.name) ? try weights.group(layer.name) : try weights.createGroup(layer.name)
      let slots = try LayerTable.slots(for: layer)
      let names = slots.map { "\(layer.name)/\($0.name):0" }
      try group.writeNameList("weight_names", names)
      for (name, tensor) in zip(names, layer.weights) {
        try group.writeFloats(name, tensor.data, shape: tensor.shape)
      }
    }
    try testVector?.write(to: file.root)
    return try file.image()
  }

  /// Which loader a config is for: the `.h5` file is read by tf_keras and Keras 3's legacy
  /// loader, the `.keras` archive by Keras 3 alone. They differ only where a layer needs it.
  public enum Target { case keras2, keras3 }

  /// The Functional `model_config` of a flat model: Keras-2-style layer configs, with inbound
  /// nodes in the target loader's own form.
  static func config(_ built: BuiltModel, for target: Target) throws -> JSONValue {
    let model = built.model
    let shape = built.shape(of:)
    func dtype(_ ref: TensorRef) -> String {
      guard let layer = model.layer(named: ref.layer), layer.className == "InputLayer" else { return "float32" }
      return dtypeName(layer.config["dtype"]) ?? "float32"
    }
    let layers = try model.layers.map { layer -> JSONValue in
      let inputShapes = (layer.calls.first ?? []).compactMap(shape)
      let kind = try LayerTable.kind(for: layer)
      let form = kind.callForm
      let entry: JSONValue = [
        "class_name": .string(layer.className),
        "config": try layerConfig(layer, inputShapes: inputShapes, target: target),
        "name": .string(layer.name),
        "inbound_nodes": .array(
          layer.calls.enumerated().map { index, call in
            let options = InboundNodes.options(layer.callKeywords[safe: index] ?? .null)
            return target == .keras2
              ? InboundNodes.keras2(form, call, options: options)
              : InboundNodes.keras3(form, call, options: options, shape: shape, dtype: dtype)
          }),
      ]
      return target == .keras3 && kind.locatedByModule ? entry.setting("module", "keras.layers") : entry
    }
    func refs(_ list: [TensorRef]) -> JSONValue {
      .array(list.map { [.string($0.layer), .number(Double($0.node)), .number(Double($0.tensor))] })
    }
    return [
      "class_name": "Functional",
      "config": [
        "name": .string(model.name), "trainable": true, "layers": .array(layers),
        "input_layers": refs(model.inputs), "output_layers": refs(model.outputs),
      ],
    ]
  }

  /// Why the model cannot be written to any Keras file (a layer only ensemble runs), or nil.
  public static func refusal(for model: KerasModel) -> String? {
    for layer in model.lowered().layers {
      if let reason = (try? LayerTable.kind(for: layer))?.unwritable { return "layer '\(layer.name)': \(reason)" }
    }
    return nil
  }

  /// A layer's config reduced to the keys that matter, in the spellings both loaders accept.
  static func layerConfig(_ layer: KerasLayer, inputShapes: [Shape], target: Target) throws -> JSONValue {
    let source = layer.config
    if layer.className == "InputLayer" {
      let shape = source["batch_input_shape"] ?? source["batch_shape"] ?? .null
      return [
        "batch_input_shape": shape, "dtype": .string(dtypeName(source["dtype"]) ?? "float32"),
        "sparse": false, "name": .string(layer.name),
      ]
    }
    let kind = try LayerTable.kind(for: layer)
    if let reason = kind.unwritable { throw KerasError(layer: layer.name, className: layer.className, reason) }
    var config: JSONValue = ["name": .string(layer.name), "dtype": "float32"]
    // Only layers with weights take `trainable` in every Keras (Keras 3's SpatialDropout1D rejects it).
    if !(try LayerTable.slots(for: layer)).isEmpty { config = config.setting("trainable", .bool(layer.trainable)) }
    for key in kind.keys {
      let spelled = kind.renames[key].flatMap { source[$0] } ?? source[key]
      guard var value = spelled else { continue }
      if key.hasSuffix("activation"), value.string == nil {
        value = value["config"]?.string.map(JSONValue.string) ?? value["config"]?["name"] ?? value
      }
      config = config.setting(key, value)
    }
    for (key, value) in kind.required where config[key] == nil { config = config.setting(key, value) }
    return kind.adapt?(config, layer, inputShapes, target) ?? config
  }

  /// A wrapped layer's entry, its config reduced like a top-level layer's.
  static func innerConfig(_ entry: JSONValue?, target: Target) throws -> JSONValue? {
    guard let entry, let className = entry["class_name"]?.string else { return nil }
    let config = entry["config"] ?? .object([])
    let layer = KerasLayer(className: className, name: config["name"]?.string ?? "inner", config: config, calls: [])
    // Keras 3 locates a wrapped layer's class through `module`; tf_keras ignores these keys.
    return [
      "module": "keras.layers", "class_name": .string(className),
      "config": try layerConfig(layer, inputShapes: [], target: target), "registered_name": .null,
    ]
  }

  /// `"float32"`, or the name inside Keras 3's DTypePolicy dict.
  static func dtypeName(_ value: JSONValue?) -> String? {
    value?.string ?? value?["config"]?["name"]?.string
  }
}

extension Array {
  subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
