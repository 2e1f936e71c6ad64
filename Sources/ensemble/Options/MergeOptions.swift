import ArgumentParser
import Merge

/// The MODE flags shared by `merge`, `predict` and `summary`: exactly one of them.
struct MergeOptions: ParsableArguments {
  @Flag(help: "Merge by element-wise sum of the outputs.")
  var sum = false

  @Flag(help: "Merge by element-wise product.")
  var product = false

  @Flag(help: "Merge by element-wise mean (the default for predict with several models).")
  var average = false

  @Flag(help: "Merge by element-wise maximum.")
  var max = false

  @Flag(help: "Merge by element-wise minimum.")
  var min = false

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Weighted sum: one value a for two models (a·first + (1−a)·second), or one weight per model, normalised to sum to 1.",
      valueName: "W[,W…]"))
  var weighted: String?

  @Flag(name: .customLong("no-normalize"), help: "Use --weighted weights as given (negative weights allowed).")
  var noNormalize = false

  @Flag(help: "Merge by concatenating the outputs (along --axis).")
  var concat = false

  @Option(help: "The axis for --concat (default: -1, the last).")
  var axis: Int?

  @Flag(help: "Give every model its own inputs even when all take the same.")
  var separateInputs = false

  /// How many modes were given.
  var modeCount: Int { [sum, product, average, max, min, weighted != nil, concat].filter { $0 }.count }

  func validate() throws {
    guard modeCount <= 1 else {
      throw ValidationError(
        "give one merge mode (--sum, --product, --average, --max, --min, --weighted, --concat), not \(modeCount)")
    }
    if axis != nil, !concat { throw ValidationError("--axis goes with --concat") }
    if noNormalize, weighted == nil { throw ValidationError("--no-normalize goes with --weighted") }
    if let weighted, weightValues(weighted) == nil {
      throw ValidationError("--weighted takes numbers separated by commas, e.g. 0.1 or 0.2,0.3,0.5; got '\(weighted)'")
    }
  }

  /// The checks that need the model count: a mode needs two models or more, and `--weighted`
  /// needs as many weights as models (or one value for two models).
  func validate(models: Int) throws {
    if models < 2, modeCount > 0 { throw ValidationError("a merge mode needs at least two models, got \(models)") }
    if models >= 2 { _ = try mode(models: models) }
  }

  /// The chosen mode for `models` models, or nil when no mode flag was given.
  func mode(models: Int) throws -> MergeMode? {
    if sum { return .sum }
    if product { return .product }
    if average { return .average }
    if max { return .max }
    if min { return .min }
    if concat { return .concat(axis: axis ?? -1) }
    if let weighted, let values = weightValues(weighted) {
      do {
        return .weighted(try MergeMode.resolvedWeights(values, models: models, normalize: !noNormalize))
      } catch let error as MergeError {
        throw ValidationError(error.description)
      }
    }
    return nil
  }

  private func weightValues(_ text: String) -> [Float]? {
    let values = text.split(separator: ",", omittingEmptySubsequences: false).map {
      Float($0.trimmingCharacters(in: .whitespaces))
    }
    guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else { return nil }
    return values.compactMap { $0 }
  }
}
