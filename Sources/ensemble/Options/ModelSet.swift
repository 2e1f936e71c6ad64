import ArgumentParser
import Keras
import Merge

/// The models a command works on: one model as it is, or several merged into one by a MODE.
enum ModelSet {
  /// Loads `paths` and, when there are several, merges them. `defaultMode` is used (and said
  /// once on stderr) when no MODE flag was given; without one, a MODE is required.
  static func load(
    _ paths: [String], options: MergeOptions, architectures: ArchitectureOptions, defaultMode: MergeMode?
  ) throws -> KerasModel {
    guard paths.filter({ $0 == "-" }).count <= 1 else {
      throw ValidationError("only one model can come from standard input ('-')")
    }
    guard paths.count > 1 else {
      return try ModelSource.load(paths[0], architecture: try architectures.architecture(for: 0, of: 1))
    }
    var mode = try options.mode(models: paths.count)
    if mode == nil, let defaultMode {
      note("note: \(paths.count) models and no merge mode; using \(defaultMode)")
      mode = defaultMode
    }
    guard let mode else {
      throw ValidationError(
        "give a merge mode: --sum, --product, --average, --max, --min, --weighted W[,W…] or --concat")
    }
    let members = try paths.enumerated().map { index, path in
      Ensemble.Member(
        name: path == "-" ? "<stdin>" : path,
        model: try ModelSource.load(path, architecture: try architectures.architecture(for: index, of: paths.count)))
    }
    return try Ensemble.merge(members, mode: mode, separateInputs: options.separateInputs)
  }
}
