import Graph
import JSON

/// Keras activation names to engine operations. `hard_sigmoid` follows the file's writer:
/// Keras 2 is `clip(0.2x + 0.5)`, Keras 3 is `clip(x/6 + 0.5)`.
enum Activations {
  /// The operation for an activation entry (a string, or K3's serialized function), or nil
  /// for `linear`.
  static func op(_ spec: JSONValue, dialect: Dialect, layer: KerasLayer) throws -> Op? {
    guard let name = spec.string ?? spec["config"]?.string ?? spec["config"]?["name"]?.string else {
      throw KerasError(layer: layer.name, className: layer.className, "activation \(spec.text) is not a name")
    }
    if name == "linear" || name == "None" { return nil }
    if name == "softmax" { return .softmax(axis: -1, log: false) }
    if name == "log_softmax" { return .softmax(axis: -1, log: true) }
    guard let activation = activation(name, dialect: dialect) else {
      throw KerasError(layer: layer.name, className: layer.className, "unknown activation '\(name)'")
    }
    return .activation(activation)
  }

  /// Every element-wise activation string Keras 2 and 3 write.
  static func activation(_ name: String, dialect: Dialect) -> Activation? {
    switch name {
    case "relu": return .relu(max: nil, slope: 0, threshold: 0)
    case "relu6": return .relu(max: 6, slope: 0, threshold: 0)
    case "leaky_relu": return .relu(max: nil, slope: 0.2, threshold: 0)
    case "sigmoid": return .sigmoid
    case "hard_sigmoid": return dialect == .keras2 ? .hardSigmoidKeras2 : .hardSigmoid
    case "tanh": return .tanh
    case "softplus": return .softplus
    case "softsign": return .softsign
    case "elu": return .elu(alpha: 1)
    case "selu": return .selu
    case "exponential": return .exponential
    case "swish", "silu": return .swish
    case "gelu": return .gelu(approximate: false)
    case "mish": return .mish
    case "hard_silu", "hard_swish": return .hardSwish
    case "celu": return .celu(alpha: 1)
    case "squareplus": return .squareplus(b: 4)
    case "tanh_shrink": return .tanhShrink
    case "hard_tanh": return .hardTanh
    case "log_sigmoid": return .logSigmoid
    case "soft_shrink": return .softShrink(threshold: 0.5)
    case "sparse_plus": return .sparsePlus
    default: return nil
    }
  }
}
