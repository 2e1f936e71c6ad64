import ArgumentParser
import Merge

/// The MODE flags that take no value: one `EnumerableFlag`, so the parser itself refuses two.
enum ModeFlag: String, EnumerableFlag {
  case sum, product, average, max, min, concat, subtract, soup, taskArithmetic

  /// The flag as typed: `--sum`, `--task-arithmetic`.
  var spelled: String {
    "--" + rawValue.reduce(into: "") { text, char in text += char.isUppercase ? "-" + char.lowercased() : String(char) }
  }

  static func help(for value: ModeFlag) -> ArgumentHelp? {
    switch value {
    case .sum: return "Merge by element-wise sum of the outputs."
    case .product: return "Merge by element-wise product."
    case .average: return "Merge by element-wise mean (the default for predict with several models)."
    case .max: return "Merge by element-wise maximum."
    case .min: return "Merge by element-wise minimum."
    case .concat: return "Merge by concatenating the outputs (along --axis)."
    case .subtract: return "First output minus second (exactly two models)."
    case .soup:
      return
        "One model whose weights are the (--weights) average of the members' (one architecture; BatchNormalization statistics too)."
    case .taskArithmetic: return "One model: --base + --scale·Σ(member − base), members of the base's architecture."
    }
  }
}

/// `--vote hard|soft`.
enum Vote: String, ExpressibleByArgument, CaseIterable {
  case hard, soft
}

/// What a MODE makes of the models: one graph over their outputs, or one model from their weights.
enum Combination: Equatable {
  case outputs(MergeMode)
  case weights(WeightSpace.Mode)
}

/// The MODE shared by `merge`, `predict` and `summary`: one flag, or one mode that takes a value.
struct MergeModeOptions: ParsableArguments {
  @Flag var flag: ModeFlag?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Weighted sum: one value a for two models (a·first + (1−a)·second), or one weight per model, normalised to sum to 1.",
      valueName: "W[,W…]"),
    transform: WeightList.parse)
  var weighted: WeightList?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Weighted product rule Π outᵢ^wᵢ, weights read as --weighted. Softmax (or sigmoid) members give softmax(Σ wᵢ·zᵢ) "
        + "on their logits zᵢ, which is Π pᵢ^wᵢ renormalised over the classes (each member's normaliser cancels), "
        + "written in stock layers; other positive outputs: predict only.",
      valueName: "W[,W…]"),
    transform: WeightList.parse)
  var weightedProduct: WeightList?

  @Option(
    help: ArgumentHelp(
      "hard: one-hot of the majority of the members' argmax classes (--weights as vote counts; ties to the lowest "
        + "class, as scikit-learn), predict only. soft: the same as --average."))
  var vote: Vote?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "One model whose weights interpolate two members spherically at T (0: first, 1: second), per tensor; "
        + "linear where the tensors are nearly parallel.", valueName: "T"))
  var slerp: Float?

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("Weights for --soup, or vote counts for --vote hard, read as --weighted.", valueName: "W[,W…]"),
    transform: WeightList.parse)
  var weights: WeightList?

  @Flag(name: .customLong("no-normalize"), help: "Use the weights as given (negative weights allowed).")
  var noNormalize = false

  @Option(parsing: .unconditional, help: "The axis for --concat (default: -1, the last).")
  var axis: Int?

  @Option(help: ArgumentHelp("The base model of --task-arithmetic.", valueName: "B.h5"))
  var base: String?

  @Option(parsing: .unconditional, help: "The scale S of --task-arithmetic (default: 1).")
  var scale: Float?

  @Flag(help: "Give every model its own inputs even when all take the same.")
  var separateInputs = false

  /// The flag that names `mode` in messages: `--average`, `--weighted 0.1,0.9`.
  static func spelling(_ mode: MergeMode) -> String {
    func list(_ values: [Float]) -> String { values.map { "\($0)" }.joined(separator: ",") }
    switch mode {
    case .sum: return "--sum"
    case .product: return "--product"
    case .average: return "--average"
    case .max: return "--max"
    case .min: return "--min"
    case .subtract: return "--subtract"
    case .weighted(let weights): return "--weighted " + list(weights)
    case .weightedProduct(let weights): return "--weighted-product " + list(weights)
    case .hardVote: return "--vote hard"
    case .concat(let axis): return axis == -1 ? "--concat" : "--concat --axis \(axis)"
    }
  }

  /// The modes given, as spelled on the command line.
  private var givenModes: [String] {
    [
      flag.map(\.spelled), weighted.map { _ in "--weighted" },
      weightedProduct.map { _ in "--weighted-product" }, vote.map { "--vote \($0)" }, slerp.map { _ in "--slerp" },
    ].compactMap { $0 }
  }

  var given: Bool { !givenModes.isEmpty }

  /// The fewest models the mode takes.
  var minimumModels: Int { flag == .taskArithmetic ? 1 : 2 }

  /// The usage error of a command that needs a MODE and got none.
  static let missing =
    "give a merge mode: " + ModeFlag.allCases.map(\.spelled).joined(separator: ", ")
    + ", --weighted W[,W…], --weighted-product W[,W…], --vote hard|soft or --slerp T"

  func validate() throws {
    let modes = givenModes
    if modes.count > 1 { throw ValidationError("give one merge mode, not both \(modes[0]) and \(modes[1])") }
    if axis != nil, flag != .concat { throw ValidationError("--axis goes with --concat") }
    if weights != nil, flag != .soup, vote != .hard {
      throw ValidationError("--weights goes with --soup or --vote hard")
    }
    if noNormalize, weighted == nil, weightedProduct == nil, weights == nil {
      throw ValidationError("--no-normalize goes with --weighted, --weighted-product or --weights")
    }
    if (base != nil || scale != nil) != (flag == .taskArithmetic) {
      throw ValidationError(
        flag == .taskArithmetic ? "--task-arithmetic needs --base B.h5" : "--base and --scale go with --task-arithmetic"
      )
    }
    if let slerp, !slerp.isFinite { throw ValidationError("--slerp takes a number T, e.g. 0.5") }
  }

  /// What the mode makes of `models` models, or nil when no mode was given; weights that do
  /// not fit the models are a usage error.
  func combination(models: Int) throws -> Combination? {
    func resolved(_ list: WeightList?) throws -> [Float]? {
      try list?.resolved(models: models, normalize: !noNormalize)
    }
    if let weights = try resolved(weighted) { return .outputs(.weighted(weights)) }
    if let weights = try resolved(weightedProduct) { return .outputs(.weightedProduct(weights)) }
    if let slerp { return .weights(.slerp(slerp)) }
    switch vote {
    case .hard: return .outputs(.hardVote(try resolved(weights) ?? Array(repeating: 1, count: models)))
    case .soft: return .outputs(.average)
    case nil: break
    }
    switch flag {
    case .sum: return .outputs(.sum)
    case .product: return .outputs(.product)
    case .average: return .outputs(.average)
    case .max: return .outputs(.max)
    case .min: return .outputs(.min)
    case .concat: return .outputs(.concat(axis: axis ?? -1))
    case .subtract: return .outputs(.subtract)
    case .soup: return .weights(.soup(try resolved(weights) ?? Array(repeating: 1 / Float(models), count: models)))
    case .taskArithmetic: return .weights(.taskArithmetic(scale: scale ?? 1))
    case nil: return nil
    }
  }
}
