import Keras

/// How an ensemble combines its members' outputs.
public enum MergeMode: Equatable {
  /// `Σ outᵢ`.
  case sum
  /// `Π outᵢ`.
  case product
  /// `(Σ outᵢ)/N`.
  case average
  /// Element-wise maximum.
  case max
  /// Element-wise minimum.
  case min
  /// `Σ wᵢ·outᵢ`, one weight per member, used as given.
  case weighted([Float])
  /// Concatenation along `axis` (Keras convention, −1 = last).
  case concat(axis: Int)

  /// A plain name for messages: `average`, `weighted sum`.
  public var name: String {
    switch self {
    case .sum: return "sum"
    case .product: return "product"
    case .average: return "average"
    case .max: return "maximum"
    case .min: return "minimum"
    case .weighted: return "weighted sum"
    case .concat: return "concatenation"
    }
  }

  /// Appends the stock layers that combine `outputs` to `model` and returns the result.
  func appendLayers(combining outputs: [TensorRef], to model: inout KerasModel) -> TensorRef {
    switch self {
    case .sum: return model.append(.add, named: "ensemble_sum", on: outputs)
    case .product: return model.append(.multiply, named: "ensemble_product", on: outputs)
    case .average: return model.append(.average, named: "ensemble_average", on: outputs)
    case .max: return model.append(.maximum, named: "ensemble_max", on: outputs)
    case .min: return model.append(.minimum, named: "ensemble_min", on: outputs)
    case .concat(let axis): return model.append(.concatenate(axis: axis), named: "ensemble_concat", on: outputs)
    case .weighted(let weights):
      let scaled = zip(weights, outputs).enumerated().map { index, pair in
        model.append(.rescaling(scale: Double(pair.0), offset: 0), named: "ensemble_weight_\(index)", on: [pair.1])
      }
      return model.append(.add, named: "ensemble_weighted", on: scaled)
    }
  }
}
