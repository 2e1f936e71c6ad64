import Foundation
import HDF5
import JSON
import ZIPFoundation

/// Writes a model as a Keras 3 `.keras` archive: `metadata.json`, `config.json` (the same
/// Keras-2-style Functional config as the `.h5` writer) and `model.weights.h5` in Keras 3's layout.
public enum ArchiveWriter {
  /// The archive's bytes, assembled in memory.
  public static func write(_ built: BuiltModel) throws -> Data {
    let flat = try built.flat()
    let weights = try File(creatingInMemory: "model.weights.h5")
    try writeWeights(flat.model, to: weights.root)
    let weightsData = try weights.image()
    let config = try ModelWriter.config(flat, for: .keras3).setting("module", "keras.src.models.functional")
    let metadata: JSONValue = ["keras_version": "3.15.1", "date_saved": "1970-01-01@00:00:00"]
    let archive = try Archive(accessMode: .create)
    for (name, data) in [
      ("metadata.json", Data(metadata.text.utf8)), ("config.json", Data(config.text.utf8)),
      ("model.weights.h5", weightsData),
    ] {
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none,
        provider: { position, size in data.subdata(in: Int(position)..<(Int(position) + size)) })
    }
    guard let bytes = archive.data else { throw KerasError("could not assemble the .keras archive in memory") }
    return bytes
  }

  /// Writes a flat model's weights in the layout `ArchiveWeights` reads: each layer's weights
  /// in its kind's `writtenShares` over the first of its variable paths.
  static func writeWeights(_ model: KerasModel, to root: Group) throws {
    let container = try root.createGroup("layers")
    let layers = model.orderedLayers
    for (layer, key) in zip(layers, ArchiveWeights.groupKeys(layers)) {
      let kind = try LayerTable.kind(for: layer)
      var first = 0
      for (path, share) in zip(kind.variablePaths(layer.config), kind.writtenShares(layer.config, layer.weights.count))
      {
        let group = try container.createGroup("\(key)/\(path)")
        try group.writeString("name", layer.name)
        for (index, tensor) in layer.weights[first..<(first + share)].enumerated() {
          try group.writeFloats(String(index), tensor.data, shape: tensor.shape)
        }
        first += share
      }
    }
  }
}
