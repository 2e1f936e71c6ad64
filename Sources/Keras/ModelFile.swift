import Foundation
import HDF5
import JSON

/// Loads a full-model Keras `.h5` file: the `model_config` JSON and the weights.
///
/// ```swift
/// let model = try ModelFile.load("classifier.h5")
/// let built = try model.build()
/// ```
public enum ModelFile {
  public static func load(_ path: String) throws -> KerasModel {
    do {
      let file = try File(reading: path)
      let root = file.root
      guard let configText = try root.stringAttribute("model_config") else {
        if try root.stringsAttribute("layer_names") != nil || root.contains("layers") {
          throw KerasError(
            "this is a weights-only file with no model_config; a full model saved with "
              + "model.save(\"x.h5\") is needed")
        }
        throw KerasError("not a Keras model file: no model_config attribute")
      }
      let weightsRoot = root.contains("model_weights") ? try root.group("model_weights") : root
      let version = try root.stringAttribute("keras_version") ?? weightsRoot.stringAttribute("keras_version")
      let json: JSONValue
      do {
        json = try JSONValue.parse(configText)
      } catch {
        throw KerasError("model_config is not valid JSON: \(error)")
      }
      var model = try ModelConfig.parse(json, dialect: Dialect(version: version), version: version)
      try WeightLoader.assign(try WeightLoader.groups(in: weightsRoot), to: &model)
      return model
    } catch let error as KerasError {
      throw error.inFile(path)
    }
  }
}

extension KerasModel {
  /// The model as an engine graph; fails before any compute on unknown layers, bad weight
  /// shapes or shapes that do not connect.
  public func build() throws -> BuiltModel { try ModelBuilder.build(self) }

  /// Keras's `model.layers`: the layers in the order Keras lists (and stores) them.
  public var orderedLayers: [KerasLayer] { LayerOrder.of(self).map { layers[$0] } }
}
