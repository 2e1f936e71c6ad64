import Foundation
import HDF5
import ZIPFoundation

/// What `ensemble check` learns of a model file from its config alone, without reading a
/// weight: the file's format and Keras version, its layers, and every layer ensemble cannot
/// run, each with its name, class and reason.
public struct Preflight {
  public struct Problem: Equatable {
    public let layer: String
    public let className: String
    public let reason: String
  }

  /// `.h5` or `.keras`.
  public let format: String
  public let kerasVersion: String?
  /// Layers, nested models' layers included.
  public let layers: Int
  public let problems: [Problem]

  /// Reads the config of the model file at `path` (a weights-only `.h5` needs `architecture`).
  public static func read(_ path: String, architecture: String? = nil) throws -> Preflight {
    do {
      let (format, text, version) = try configText(path, architecture: architecture)
      let model = try ModelFile.parse(text, version: version)
      var problems: [Problem] = []
      let count = scan(model, prefix: "", into: &problems)
      return Preflight(format: format, kerasVersion: model.kerasVersion ?? version, layers: count, problems: problems)
    } catch let error as KerasError {
      throw error.inFile(path)
    }
  }

  private static func configText(_ path: String, architecture: String?) throws -> (String, String, String?) {
    guard FileManager.default.fileExists(atPath: path) else { throw KerasError("no such file") }
    if try ModelFile.isZip(path) {
      let (text, version) = try ModelFile.config(of: try Archive(url: URL(fileURLWithPath: path), accessMode: .read))
      return (".keras", text, version ?? "3")
    }
    let (text, version) = try ModelFile.config(of: try File(reading: path).root, architecture: architecture)
    return (".h5", text, version)
  }

  /// Adds the problems of `model`'s layers (and of nested models and wrapped layers) and
  /// returns how many layers it has.
  private static func scan(_ model: KerasModel, prefix: String, into problems: inout [Problem]) -> Int {
    var count = 0
    for layer in model.layers {
      count += 1
      let name = prefix + layer.name
      if let submodel = layer.submodel {
        count += scan(submodel, prefix: name + "/", into: &problems)
        continue
      }
      if let reason = LayerTable.problem(className: layer.className, config: layer.config, operation: layer.isOperation)
      {
        problems.append(Problem(layer: name, className: layer.className, reason: reason))
      }
      if let inner = layer.config["layer"], let className = inner["class_name"]?.string,
        let reason = LayerTable.problem(className: className, config: inner["config"] ?? .object([]))
      {
        problems.append(
          Problem(
            layer: name + "/" + (inner["config"]?["name"]?.string ?? className), className: className, reason: reason))
      }
    }
    return count
  }
}
