import Graph
import JSON

extension KerasModel {
  /// The model for writing: each layer that ensemble runs but a stock loader does not know (a
  /// TensorFlow function, a Keras 3 operation node, ConvNeXt's LayerScale) replaced by the
  /// stock layer that computes the same: Rescaling for `x·a + b`, Activation or ReLU for an
  /// activation, Add, Subtract or Multiply for two tensors, Reshape, Permute, Concatenate or
  /// Identity; InceptionResNetV2's CustomScaleLayer by two (see `customScale`). Layers with no
  /// such stock layer stay as they are (and the writer refuses them, saying why).
  public func lowered() -> KerasModel {
    var result = self
    result.layers = layers.flatMap { StockLowering.customScale($0) ?? [StockLowering.stock($0) ?? $0] }
    return result
  }
}

enum StockLowering {
  /// CustomScaleLayer `a + b·scale` as `Rescaling(scale)` of b (named `<name>_scaled`), then
  /// an Add of a and that, which keeps the layer's name, so later layers read it unchanged.
  static func customScale(_ layer: KerasLayer) -> [KerasLayer]? {
    guard layer.className.hasSuffix("CustomScaleLayer"), layer.calls.count == 1, layer.calls[0].count == 2 else {
      return nil
    }
    let (a, b) = (layer.calls[0][0], layer.calls[0][1])
    var scaled = rebuilt(layer, "Rescaling", ["scale": layer.config["scale"] ?? 1, "offset": 0])
    scaled.name = "\(layer.name)_scaled"
    scaled.config = scaled.config.setting("name", .string(scaled.name))
    scaled.calls = [[b]]
    var sum = rebuilt(layer, "Add", [:])
    sum.calls = [[a, TensorRef(layer: scaled.name, node: 0, tensor: 0)]]
    return [scaled, sum]
  }

  static func stock(_ layer: KerasLayer) -> KerasLayer? {
    guard layer.calls.count == 1 else { return nil }
    if layer.className == "LayerScale", let gamma = layer.weights.first {
      return rebuilt(layer, "Rescaling", ["scale": .array(gamma.data.map { .number(Double($0)) }), "offset": 0])
    }
    if let (className, config) = shaping(layer) { return rebuilt(layer, className, config) }
    let activation: Activation?
    let arithmetic: Elementwise.Arithmetic?
    let operand: Elementwise.Operand?
    let keywords = layer.callKeywords.first ?? .null
    if layer.className == "TFOpLambda", let function = layer.config["function"]?.string {
      (activation, arithmetic, operand) =
        (TensorFlowOps.activations[function], TensorFlowOps.arithmetic[function], TensorFlowOps.operand(keywords))
    } else if layer.isOperation {
      (activation, arithmetic, operand) = (
        KerasOperation.activations[layer.className], KerasOperation.arithmetic[layer.className],
        KerasOperation.operand(keywords)
      )
    } else {
      return nil
    }
    if let activation { return stock(activation, layer) }
    guard let arithmetic else { return nil }
    if layer.calls[0].count == 2 {
      let names: [MergeKind: String] = [.add: "Add", .subtract: "Subtract", .multiply: "Multiply"]
      return arithmetic.tensors.flatMap { names[$0] }.map { rebuilt(layer, $0, [:]) }
    }
    guard let operand, let (scale, shift) = arithmetic.constant(operand.value, operand.first) else { return nil }
    return rebuilt(layer, "Rescaling", ["scale": .number(Double(scale)), "offset": .number(Double(shift))])
  }

  /// A TensorFlow function or Keras 3 operation whose `TensorFunctions` entry names a stock
  /// layer (Reshape, Permute, Concatenate, Identity).
  private static func shaping(_ layer: KerasLayer) -> (String, [String: JSONValue])? {
    if layer.className == "TFOpLambda", let function = layer.config["function"]?.string {
      return TensorFunctions.tensorflow[function]?.stock?(.init(named: layer.callKeywords.first ?? .null))
    }
    return layer.isOperation ? TensorFunctions.keras[layer.className]?.stock?(.init(named: layer.config)) : nil
  }

  /// The stock layer of an activation both loaders know by one name.
  private static func stock(_ activation: Activation, _ layer: KerasLayer) -> KerasLayer? {
    let names: [(Activation, String)] = [
      (.sigmoid, "sigmoid"), (.tanh, "tanh"), (.swish, "swish"), (.softplus, "softplus"), (.softsign, "softsign"),
      (.selu, "selu"), (.exponential, "exponential"), (.mish, "mish"), (.elu(alpha: 1), "elu"),
      (.relu(max: nil, slope: 0, threshold: 0), "relu"),
    ]
    if activation == .relu(max: 6, slope: 0, threshold: 0) { return rebuilt(layer, "ReLU", ["max_value": 6]) }
    let name = names.first { $0.0 == activation }?.1
    return name.map { rebuilt(layer, "Activation", ["activation": .string($0)]) }
  }

  private static func rebuilt(_ layer: KerasLayer, _ className: String, _ config: [String: JSONValue]) -> KerasLayer {
    var members: [(String, JSONValue)] = [("name", .string(layer.name))]
    members += config.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    return KerasLayer(className: className, name: layer.name, config: .object(members), calls: layer.calls)
  }
}
