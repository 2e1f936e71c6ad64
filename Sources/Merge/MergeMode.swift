/// How an ensemble combines its members' outputs.
public enum MergeMode: Equatable, CustomStringConvertible {
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
  /// `Σ wᵢ·outᵢ`, weights already resolved (see `resolvedWeights`).
  case weighted([Float])
  /// Concatenation along `axis` (Keras convention, −1 = last).
  case concat(axis: Int)

  /// The flag spelling, for messages: `--sum`, `--weighted 0.1,0.9`.
  public var description: String {
    switch self {
    case .sum: return "--sum"
    case .product: return "--product"
    case .average: return "--average"
    case .max: return "--max"
    case .min: return "--min"
    case .weighted(let weights): return "--weighted " + weights.map { "\($0)" }.joined(separator: ",")
    case .concat(let axis): return "--concat --axis \(axis)"
    }
  }

  /// Turns `--weighted` values into one weight per model: with two models and one value `a`,
  /// `[a, 1 − a]`; with N values for N models, `wᵢ/Σw` (as scikit-learn and mergekit do)
  /// unless `normalize` is false. Any other count is an error.
  public static func resolvedWeights(_ values: [Float], models: Int, normalize: Bool) throws -> [Float] {
    if models == 2, values.count == 1 { return [values[0], 1 - values[0]] }
    guard values.count == models else {
      throw MergeError(
        "--weighted got \(values.count) weight\(values.count == 1 ? "" : "s") for \(models) models; "
          + "give one weight per model, or one value a for two models (a·first + (1−a)·second)")
    }
    guard normalize else { return values }
    let total = values.reduce(0, +)
    guard total != 0, total.isFinite else {
      throw MergeError(
        "--weighted weights sum to \(total) and cannot be normalised; pass --no-normalize to use them as given")
    }
    return values.map { $0 / total }
  }
}

/// Why models cannot be merged: says which models and why.
public struct MergeError: Error, CustomStringConvertible {
  public let description: String

  public init(_ description: String) { self.description = description }
}
