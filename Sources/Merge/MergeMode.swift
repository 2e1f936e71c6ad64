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
  /// `out₁ − out₂`, exactly two members.
  case subtract
  /// The weighted product rule `Π outᵢ^wᵢ`. For members that all end in softmax (or all in
  /// sigmoid) it is renormalised, `softmax(Σ wᵢ·zᵢ)` on their logits zᵢ, which equals
  /// `Π pᵢ^wᵢ / Σ_classes Π pᵢ^wᵢ` because `pᵢ = exp(zᵢ)/Σ exp(zᵢ)` and the per-member
  /// normalisers cancel in the ratio (sigmoid: the same over the two outcomes); in stock layers.
  case weightedProduct([Float])
  /// Hard voting: the one-hot of the class with most votes, each member's argmax counting its
  /// weight; ties go to the lowest class index, as scikit-learn's VotingClassifier does.
  case hardVote([Float])

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
    case .subtract: return "difference"
    case .weightedProduct: return "weighted product"
    case .hardVote: return "hard vote"
    }
  }

  /// How many members the mode takes, when it is fixed.
  var memberCount: Int? {
    switch self {
    case .subtract: return 2
    case .weighted(let weights), .weightedProduct(let weights), .hardVote(let weights): return weights.count
    case .sum, .product, .average, .max, .min, .concat: return nil
    }
  }

  /// Appends the stock layers that combine `outputs` to `model` and returns the result;
  /// `names` name the members, `logits` says the outputs are the members' pre-activation
  /// values and the activation to apply (see `weightedProduct`).
  func appendLayers(
    combining outputs: [TensorRef], names: [String], logits activation: String?, to model: inout KerasModel
  ) -> TensorRef {
    switch self {
    case .sum: return model.append(.add, named: "ensemble_sum", on: outputs)
    case .product: return model.append(.multiply, named: "ensemble_product", on: outputs)
    case .average: return model.append(.average, named: "ensemble_average", on: outputs)
    case .max: return model.append(.maximum, named: "ensemble_max", on: outputs)
    case .min: return model.append(.minimum, named: "ensemble_min", on: outputs)
    case .concat(let axis): return model.append(.concatenate(axis: axis), named: "ensemble_concat", on: outputs)
    case .subtract: return model.append(.subtract, named: "ensemble_subtract", on: outputs)
    case .weighted(let weights):
      return model.append(.add, named: "ensemble_weighted", on: MergeMode.scaled(outputs, by: weights, in: &model))
    case .weightedProduct(let weights):
      guard let activation else {
        return model.append(.weightedProduct(weights: weights, names: names), named: "ensemble_product", on: outputs)
      }
      let sum = model.append(.add, named: "ensemble_logits", on: MergeMode.scaled(outputs, by: weights, in: &model))
      return model.append(.activation(activation), named: "ensemble_\(activation)", on: [sum])
    case .hardVote(let weights):
      return model.append(.hardVote(weights: weights), named: "ensemble_vote", on: outputs)
    }
  }

  /// One `Rescaling(wᵢ)` per output, `ensemble_weight_<i>`.
  private static func scaled(_ outputs: [TensorRef], by weights: [Float], in model: inout KerasModel) -> [TensorRef] {
    zip(weights, outputs).enumerated().map { index, pair in
      model.append(.rescaling(scale: Double(pair.0), offset: 0), named: "ensemble_weight_\(index)", on: [pair.1])
    }
  }
}
