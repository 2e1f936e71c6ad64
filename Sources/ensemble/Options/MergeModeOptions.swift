import ArgumentParser
import Merge

/// The MODE flags that take no value: one `EnumerableFlag`, so the parser itself refuses two.
enum ModeFlag: String, EnumerableFlag {
  case sum, product, average, max, min, concat

  static func help(for value: ModeFlag) -> ArgumentHelp? {
    switch value {
    case .sum: return "Merge by element-wise sum of the outputs."
    case .product: return "Merge by element-wise product."
    case .average: return "Merge by element-wise mean (the default for predict with several models)."
    case .max: return "Merge by element-wise maximum."
    case .min: return "Merge by element-wise minimum."
    case .concat: return "Merge by concatenating the outputs (along --axis)."
    }
  }
}

/// The MODE shared by `merge`, `predict` and `summary`: one flag, or `--weighted W[,W…]`.
struct MergeModeOptions: ParsableArguments {
  @Flag var flag: ModeFlag?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Weighted sum: one value a for two models (a·first + (1−a)·second), or one weight per model, normalised to sum to 1.",
      valueName: "W[,W…]"),
    transform: WeightList.parse)
  var weighted: WeightList?

  @Flag(name: .customLong("no-normalize"), help: "Use --weighted weights as given (negative weights allowed).")
  var noNormalize = false

  @Option(parsing: .unconditional, help: "The axis for --concat (default: -1, the last).")
  var axis: Int?

  @Flag(help: "Give every model its own inputs even when all take the same.")
  var separateInputs = false

  /// The flag that names `mode` in messages: `--average`, `--weighted 0.1,0.9`.
  static func spelling(_ mode: MergeMode) -> String {
    switch mode {
    case .sum: return "--sum"
    case .product: return "--product"
    case .average: return "--average"
    case .max: return "--max"
    case .min: return "--min"
    case .weighted(let weights): return "--weighted " + weights.map { "\($0)" }.joined(separator: ",")
    case .concat(let axis): return axis == -1 ? "--concat" : "--concat --axis \(axis)"
    }
  }

  var given: Bool { flag != nil || weighted != nil }

  /// The usage error of a command that needs a MODE and got none.
  static let missing =
    "give a merge mode: " + ModeFlag.allCases.map { "--\($0)" }.joined(separator: ", ") + " or --weighted W[,W…]"

  func validate() throws {
    if let flag, weighted != nil { throw ValidationError("give one merge mode, not both --\(flag) and --weighted") }
    if axis != nil, flag != .concat { throw ValidationError("--axis goes with --concat") }
    if noNormalize, weighted == nil { throw ValidationError("--no-normalize goes with --weighted") }
  }

  /// The chosen mode for `models` models, or nil when no mode was given; a weight count that
  /// does not fit the models is a usage error.
  func mode(models: Int) throws -> MergeMode? {
    if let weighted { return .weighted(try weighted.resolved(models: models, normalize: !noNormalize)) }
    switch flag {
    case .sum: return .sum
    case .product: return .product
    case .average: return .average
    case .max: return .max
    case .min: return .min
    case .concat: return .concat(axis: axis ?? -1)
    case nil: return nil
    }
  }
}
