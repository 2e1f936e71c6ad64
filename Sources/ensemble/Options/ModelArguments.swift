import ArgumentParser
import Foundation
import Keras
import Merge

/// The models a command works on, shared by every command that takes models: the files, their
/// `--config` architectures and the MODE that merges several into one.
struct ModelArguments: ParsableArguments {
  @OptionGroup var mode: MergeModeOptions

  @Option(
    name: .customLong("config"),
    help: ArgumentHelp(
      "Architecture JSON from model.to_json(), for weights-only files (save_weights). One per model, or one for all.",
      valueName: "arch.json"))
  var configs: [String] = []

  @Argument(help: "Model files (.h5, .keras, or weights-only with --config); one may be - for stdin.")
  var models: [String] = []

  func validate() throws {
    guard !models.isEmpty else { throw ValidationError("give a model file") }
    guard models.filter({ $0 == "-" }).count <= 1 else {
      throw ValidationError("only one model can come from standard input ('-')")
    }
    guard configs.count <= 1 || configs.count == models.count else {
      throw ValidationError(
        "give one --config for all models or one per model; got \(configs.count) for \(models.count)")
    }
    if models.count < 2, mode.given { throw ValidationError("a merge mode needs at least two models, got 1") }
    if models.count >= 2 { _ = try mode.mode(models: models.count) }
  }

  /// Every file the command reads, which an output must never replace.
  var inputFiles: [String] { models + configs }

  /// Loads the models and builds their graph: one model as it is, or several merged by the
  /// MODE. `defaultMode` is used (and said once on stderr) when no MODE was given.
  func load(defaultMode: MergeMode?) throws -> BuiltModel {
    guard models.count > 1 else { return try ModelSource.load(models[0], architecture: try architecture(0)).build() }
    let chosen: MergeMode
    if let given = try mode.mode(models: models.count) {
      chosen = given
    } else if let defaultMode {
      note("note: \(models.count) models and no merge mode; using \(MergeModeOptions.spelling(defaultMode))")
      chosen = defaultMode
    } else {
      throw ValidationError(MergeModeOptions.missing)
    }
    let members = try models.indices.map { index in
      Ensemble.Member(
        name: models[index] == "-" ? "<stdin>" : models[index],
        model: try ModelSource.load(models[index], architecture: try architecture(index)))
    }
    do {
      return try Ensemble.merge(members, mode: chosen, separateInputs: mode.separateInputs)
    } catch let error as MergeError {
      throw CLIError(error.message(naming: MergeModeOptions.spelling))
    }
  }

  /// The architecture text for model `index`, if any `--config` was given.
  private func architecture(_ index: Int) throws -> String? {
    guard !configs.isEmpty else { return nil }
    let path = configs.count == 1 ? configs[0] : configs[index]
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw CLIError("\(path): cannot read the architecture JSON")
    }
  }
}
