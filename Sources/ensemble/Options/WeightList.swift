import ArgumentParser

/// The value of `--weighted` (and of every option that reads weights the same way): numbers
/// separated by commas, `0.1` or `0.2,0.3,0.5`.
struct WeightList {
  let values: [Float]

  /// Parses the option's text (the `transform:` of `--weighted`).
  static func parse(_ text: String) throws -> WeightList {
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Float($0.trimmingCharacters(in: .whitespaces))
    }
    guard !values.isEmpty, values.allSatisfy({ $0?.isFinite ?? false }) else {
      throw ValidationError("weights are numbers separated by commas, e.g. 0.1 or 0.2,0.3,0.5; got '\(text)'")
    }
    return WeightList(values: values.compactMap { $0 })
  }

  /// One weight per model: with two models and one value `a`, `[a, 1 − a]`; with N values for
  /// N models, `wᵢ/Σw` (as scikit-learn and mergekit do) unless `normalize` is false.
  func resolved(models: Int, normalize: Bool) throws -> [Float] {
    if models == 2, values.count == 1 { return [values[0], 1 - values[0]] }
    guard values.count == models else {
      throw ValidationError(
        "got \(values.count) weight\(values.count == 1 ? "" : "s") for \(models) models; "
          + "give one weight per model, or one value a for two models (a·first + (1−a)·second)")
    }
    guard normalize else { return values }
    let total = values.reduce(0, +)
    guard total != 0, total.isFinite else {
      throw ValidationError(
        "the weights sum to \(total) and cannot be normalised; pass --no-normalize to use them as given")
    }
    return values.map { $0 / total }
  }
}
