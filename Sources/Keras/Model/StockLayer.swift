import Graph
import JSON

/// The built-in Keras layers that `ensemble` itself adds to a model (the merge, the weights,
/// the split of a hard_sigmoid), as typed values: callers never spell Keras JSON.
public enum StockLayer: Equatable {
  /// `Σ xᵢ`.
  case add
  /// `x₀ − x₁`.
  case subtract
  /// `Π xᵢ`.
  case multiply
  /// `(Σ xᵢ)/N`.
  case average
  case maximum
  case minimum
  /// Joins along `axis` (−1: the last).
  case concatenate(axis: Int)
  /// `x·scale + offset`.
  case rescaling(scale: Double, offset: Double)
  /// `min(max(x, 0), maxValue)`.
  case relu(maxValue: Double)
  /// An Activation layer: `softmax`, `sigmoid`, ….
  case activation(String)
  /// `Πᵢ xᵢ^wᵢ` of positive outputs: no Keras layer computes it, so ensemble runs it and no
  /// file holds it. `names` name the inputs in errors.
  case weightedProduct(weights: [Float], names: [String])
  /// Hard voting with `weights` as vote counts: ensemble only, like `weightedProduct`.
  case hardVote(weights: [Float])
  /// `activation(x·kernel + bias)`, the weights given to `append`.
  case dense(units: Int, activation: String)

  /// The class names of the layers only ensemble runs.
  static let weightedProductClass = "EnsembleWeightedProduct"
  static let hardVoteClass = "EnsembleHardVote"

  /// The Keras class name.
  public var className: String {
    switch self {
    case .add: return "Add"
    case .subtract: return "Subtract"
    case .multiply: return "Multiply"
    case .average: return "Average"
    case .maximum: return "Maximum"
    case .minimum: return "Minimum"
    case .concatenate: return "Concatenate"
    case .rescaling: return "Rescaling"
    case .relu: return "ReLU"
    case .activation: return "Activation"
    case .weightedProduct: return StockLayer.weightedProductClass
    case .hardVote: return StockLayer.hardVoteClass
    case .dense: return "Dense"
    }
  }

  /// The layer's config, as Keras writes it, named `name`.
  func config(name: String) -> JSONValue {
    let base: JSONValue = ["name": .string(name)]
    switch self {
    case .add, .subtract, .multiply, .average, .maximum, .minimum: return base
    case .concatenate(let axis): return base.setting("axis", .number(Double(axis)))
    case .rescaling(let scale, let offset):
      return base.setting("scale", .number(scale)).setting("offset", .number(offset))
    case .relu(let maxValue): return base.setting("max_value", .number(maxValue))
    case .activation(let name): return base.setting("activation", .string(name))
    case .weightedProduct(let weights, let names):
      return base.setting("weights", .array(weights.map { .number(Double($0)) }))
        .setting("names", .array(names.map(JSONValue.string)))
    case .hardVote(let weights): return base.setting("weights", .array(weights.map { .number(Double($0)) }))
    case .dense(let units, let activation):
      return base.setting("units", .number(Double(units))).setting("activation", .string(activation))
        .setting("use_bias", true)
    }
  }
}

extension KerasModel {
  /// Appends `stock` called once on `inputs`, named `base` (or `base_1`, `base_2`, … when the
  /// name is taken), and returns its output.
  /// `weights` are the layer's own, in Keras's order (a Dense kernel `[in, units]`, its bias).
  @discardableResult
  public mutating func append(
    _ stock: StockLayer, named base: String, on inputs: [TensorRef], weights: [Tensor] = []
  ) -> TensorRef {
    var name = base, counter = 1
    while layers.contains(where: { $0.name == name }) {
      name = "\(base)_\(counter)"
      counter += 1
    }
    var layer = KerasLayer(className: stock.className, name: name, config: stock.config(name: name), calls: [inputs])
    layer.weights = weights
    layers.append(layer)
    return TensorRef(layer: name, node: 0, tensor: 0)
  }
}
