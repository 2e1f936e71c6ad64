import ArgumentParser
import Foundation
import Keras
import Merge

/// The models a command works on, shared by every command that takes models: the files, their
/// `--config` architectures, `--layer` cuts and the MODE that merges several into one.
struct ModelArguments: ParsableArguments {
  @OptionGroup var mode: MergeModeOptions

  @Option(
    name: .customLong("config"),
    help: ArgumentHelp(
      "Architecture JSON from model.to_json(), for weights-only files (save_weights). One per model, or one for all.",
      valueName: "arch.json"))
  var configs: [String] = []

  @Option(
    name: .customLong("layer"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "Cut each model at this layer's output before the merge: a name, or -K counted as Keras's model.layers[-K] "
        + "(-2: the penultimate). Once for all models, or once per model.", valueName: "NAME|-K"))
  var layers: [String] = []

  @Argument(help: "Model files (.h5, .keras, or weights-only with --config); one may be - for stdin.")
  var models: [String] = []

  func validate() throws {
    guard !models.isEmpty else { throw ValidationError("give a model file") }
    guard models.filter({ $0 == "-" }).count <= 1 else {
      throw ValidationError("only one model can come from standard input ('-')")
    }
    for (option, count) in [("--config", configs.count), ("--layer", layers.count)] {
      guard count <= 1 || count == models.count else {
        throw ValidationError("give one \(option) for all models or one per model; got \(count) for \(models.count)")
      }
    }
    if models.count < mode.minimumModels, mode.given {
      throw ValidationError("the merge mode needs at least \(mode.minimumModels) models, got \(models.count)")
    }
    if models.count >= mode.minimumModels { _ = try mode.combination(models: models.count) }
  }

  /// Every file the command reads, which an output must never replace.
  var inputFiles: [String] { models + configs + (mode.base.map { [$0] } ?? []) }

  /// Loads the models and builds their graph: one model as it is, or several combined by the
  /// MODE. `defaultMode` is used (and said once on stderr) when no MODE was given.
  func load(defaultMode: MergeMode?) throws -> BuiltModel {
    let members = try self.members()
    guard let combination = try chosen(defaultMode: defaultMode) else { return try members[0].model.build() }
    do {
      switch combination {
      case .outputs(let merge):
        return try Ensemble.merge(members, mode: merge, separateInputs: mode.separateInputs)
      case .weights(let weightMode):
        let base = try mode.base.map { path in
          Ensemble.Member(name: path, model: try cut(try ModelSource.load(path), 0))
        }
        let (model, warnings) = try WeightSpace.merge(members, mode: weightMode, base: base)
        for warning in warnings { note("warning: " + warning) }
        return try model.build()
      }
    } catch let error as MergeError {
      throw CLIError(error.message(naming: MergeModeOptions.spelling), status: .dataError)
    }
  }

  /// Every model, with its architecture JSON and `--layer` cut, named by its path.
  func members() throws -> [Ensemble.Member] {
    try models.indices.map(member)
  }

  /// The MODE to use: the one given, else `defaultMode` for several models (said on stderr).
  private func chosen(defaultMode: MergeMode?) throws -> Combination? {
    if let given = try mode.combination(models: models.count) { return given }
    guard models.count > 1 else { return nil }
    guard let defaultMode else { throw ValidationError(MergeModeOptions.missing) }
    info("note: \(models.count) models and no merge mode; using \(MergeModeOptions.spelling(defaultMode))")
    return .outputs(defaultMode)
  }

  /// The `--config` architecture JSON for model `index`, if any.
  func architecture(_ index: Int) throws -> String? {
    guard !configs.isEmpty else { return nil }
    let path = configs.count == 1 ? configs[0] : configs[index]
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw CLIError("\(path): cannot read the architecture JSON", status: .noInput)
    }
  }

  /// Model `index`, with its architecture JSON if any, cut at its `--layer` if any, named by its path.
  func member(_ index: Int) throws -> Ensemble.Member {
    let model = try cut(try ModelSource.load(models[index], architecture: try architecture(index)), index)
    return Ensemble.Member(name: models[index] == "-" ? "<stdin>" : models[index], model: model)
  }

  /// `model` cut at the `--layer` for model `index`, if one was given.
  private func cut(_ model: KerasModel, _ index: Int) throws -> KerasModel {
    guard !layers.isEmpty else { return model }
    let choice = LayerChoice(layers.count == 1 ? layers[0] : layers[index])
    do {
      return try model.cut(at: choice)
    } catch let error as KerasError {
      throw CLIError(
        "\(models[index] == "-" ? "<stdin>" : models[index]): --layer \(error.message)", status: .dataError)
    }
  }
}
