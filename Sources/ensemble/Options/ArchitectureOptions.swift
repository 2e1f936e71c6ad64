import ArgumentParser
import Foundation

/// `--config`: the architecture JSON (`model.to_json()`) for weights-only model files.
struct ArchitectureOptions: ParsableArguments {
  @Option(
    name: .customLong("config"),
    help: ArgumentHelp(
      "Architecture JSON from model.to_json(), for weights-only files (save_weights). One per model, or one for all.",
      valueName: "arch.json"))
  var configs: [String] = []

  /// The architecture text for model `index` of `count`, if any.
  func architecture(for index: Int, of count: Int) throws -> String? {
    guard !configs.isEmpty else { return nil }
    guard configs.count == 1 || configs.count == count else {
      throw ValidationError("give one --config for all models or one per model; got \(configs.count) for \(count)")
    }
    let path = configs.count == 1 ? configs[0] : configs[index]
    do {
      return try String(contentsOfFile: path, encoding: .utf8)
    } catch {
      throw CLIError("\(path): cannot read the architecture JSON")
    }
  }
}
