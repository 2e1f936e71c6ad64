import Foundation
import HDF5
import JSON
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
      let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
      func member(_ name: String) throws -> String {
        guard let entry = archive[name] else { throw KerasError("the archive has no \(name)") }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return String(decoding: data, as: UTF8.self)
      }
      let metadata = try? JSONValue.parse(try member("metadata.json"))
      return (".keras", try member("config.json"), metadata?["keras_version"]?.string ?? "3")
    }
    let root = try File(reading: path).root
    guard let text = try architecture ?? root.stringAttribute("model_config") else {
      throw KerasError(
        "a weights-only file with no model_config; give the architecture JSON of model.to_json() with --config")
    }
    let weights = root.contains("model_weights") ? try root.group("model_weights") : root
    return (".h5", text, try root.stringAttribute("keras_version") ?? weights.stringAttribute("keras_version"))
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
