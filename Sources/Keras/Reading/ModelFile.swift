import Foundation
import HDF5
import JSON
import ZIPFoundation

/// Loads a Keras model from any file Keras writes:
/// - a full-model `.h5` (`model.save("x.h5")`, Keras 2 or 3): `model_config` plus `model_weights`;
/// - a `.keras` archive (Keras 3): `config.json` plus `model.weights.h5`;
/// - a weights-only file, with the architecture JSON of `model.to_json()` given apart: Keras 2's
///   `save_weights("w.h5")` or Keras 3's `save_weights("w.weights.h5")`.
///
/// ```swift
/// let model = try ModelFile.load("classifier.h5")
/// let built = try model.build()
/// ```
public enum ModelFile {
  /// Loads the model file at `path`.
  public static func load(_ path: String, architecture: String? = nil) throws -> KerasModel {
    do {
      guard FileManager.default.fileExists(atPath: path) else { throw KerasError("no such file") }
      if try isZip(path) {
        return try loadArchive(try open { try Archive(url: URL(fileURLWithPath: path), accessMode: .read) }, name: path)
      }
      return try load(try File(reading: path), architecture: architecture)
    } catch let error as KerasError {
      throw error.inFile(path)
    }
  }

  /// Loads a model file from its bytes (standard input, a pipe); `name` names it in errors.
  public static func load(bytes: Data, name: String, architecture: String? = nil) throws -> KerasModel {
    do {
      if bytes.prefix(4) == zipMagic {
        return try loadArchive(try open { try Archive(data: bytes, accessMode: .read) }, name: name)
      }
      return try load(try File(image: bytes, name: name), architecture: architecture)
    } catch let error as KerasError {
      throw error.inFile(name)
    }
  }

  /// A model from its architecture JSON alone (no weights): how the fuzzer reaches the
  /// config reader.
  public static func model(config text: String) throws -> KerasModel { try parse(text, version: nil) }

  /// The test vector `ensemble merge` stored in a `.h5` file, if any (see `TestVector`).
  public static func storedTestVector(_ path: String) throws -> TestVector? {
    guard try !isZip(path) else { return nil }
    return try TestVector.read(from: try File(reading: path).root)
  }

  /// A `.h5` file's model: its config (or `architecture`) and its weights.
  static func load(_ file: File, architecture: String?) throws -> KerasModel {
    let root = file.root
    let (configText, fileVersion) = try config(of: root, architecture: architecture)
    var model = try parse(configText, version: fileVersion)
    let weightsRoot = root.contains("model_weights") ? try root.group("model_weights") : root
    if try weightsRoot.chunkedStringsAttribute("layer_names") != nil {
      try WeightLoader.assign(try WeightLoader.groups(in: weightsRoot), to: &model)
    } else {
      try ArchiveWeights.assign(from: root, to: &model)
    }
    return model
  }

  /// A `.h5` file's config text (or `architecture`) and the Keras version that wrote it.
  static func config(of root: Group, architecture: String?) throws -> (text: String, version: String?) {
    guard let text = try architecture ?? root.stringAttribute("model_config") else {
      throw KerasError(
        "a weights-only file with no model_config; give the architecture JSON of model.to_json() with --config")
    }
    let weightsRoot = root.contains("model_weights") ? try root.group("model_weights") : root
    return (text, try root.stringAttribute("keras_version") ?? weightsRoot.stringAttribute("keras_version"))
  }

  /// A config document: `{"class_name", "config", …}`, Keras 3's carrying a `module` key.
  static func parse(_ text: String, version fileVersion: String?) throws -> KerasModel {
    let json: JSONValue
    do {
      json = try JSONValue.parse(text)
    } catch {
      throw KerasError("the model config is not valid JSON: \(error)")
    }
    // The file's own version first: tf_keras writes `.keras` archives too, with Keras 3's
    // `module` keys but its own maths (hard_sigmoid, l2_normalize, RandomCrop).
    let version = json["keras_version"]?.string ?? fileVersion ?? (json["module"] != nil ? "3" : nil)
    return try ModelConfig.parse(json, dialect: Dialect(version: version), version: version ?? fileVersion)
  }

  /// A zip archive, or an error saying it is not one.
  static func open(_ archive: () throws -> Archive) throws -> Archive {
    do {
      return try archive()
    } catch {
      throw KerasError("not a readable zip archive: \(error)")
    }
  }

  /// A `.keras` zip: `metadata.json`, `config.json` and `model.weights.h5`.
  static func loadArchive(_ archive: Archive, name: String) throws -> KerasModel {
    let (text, version) = try config(of: archive)
    var model = try parse(text, version: version ?? "3")
    model.kerasVersion = version ?? model.kerasVersion
    let weights = try File(image: try member("model.weights.h5", of: archive), name: "\(name)/model.weights.h5")
    try ArchiveWeights.assign(from: weights.root, to: &model)
    return model
  }

  /// A `.keras` archive's config text and the Keras version its metadata names, if any.
  static func config(of archive: Archive) throws -> (text: String, version: String?) {
    let metadata = try? JSONValue.parse(String(decoding: try member("metadata.json", of: archive), as: UTF8.self))
    let text = String(decoding: try member("config.json", of: archive), as: UTF8.self)
    return (text, metadata?["keras_version"]?.string)
  }

  static func member(_ name: String, of archive: Archive) throws -> Data {
    guard let entry = archive[name] else { throw KerasError("the archive has no \(name)") }
    var data = Data()
    _ = try archive.extract(entry) { data.append($0) }
    return data
  }

  static let zipMagic = Data([0x50, 0x4B, 0x03, 0x04])

  static func isZip(_ path: String) throws -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw KerasError("cannot open the file") }
    defer { try? handle.close() }
    return handle.readData(ofLength: 4) == zipMagic
  }
}

extension KerasModel {
  /// Keras's `model.layers`: the layers in the order Keras lists (and stores) them.
  public var orderedLayers: [KerasLayer] { LayerOrder.of(self).map { layers[$0] } }
}
