import Foundation
import HDF5
import JSON
import ZIPFoundation

/// Writes a model as a Keras 3 `.keras` archive: `metadata.json`, `config.json` (the same
/// Keras-2-style Functional config as the `.h5` writer) and `model.weights.h5` in Keras 3's layout.
public enum ArchiveWriter {
  public static func write(_ model: KerasModel, to path: String) throws {
    let flat = model.inlined()
    let weightsData = try TemporaryFolder.with { folder in
      let weightsPath = folder.appendingPathComponent("model.weights.h5").path
      do {
        let weights = try File(creating: weightsPath)
        try ArchiveWeights.write(flat, to: weights.root)
        try weights.flush()
      }
      return try Data(contentsOf: URL(fileURLWithPath: weightsPath))
    }
    let config = try ModelWriter.config(flat, for: .keras3).setting("module", "keras.src.models.functional")
    let metadata: JSONValue = ["keras_version": "3.15.1", "date_saved": "1970-01-01@00:00:00"]
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    for (name, data) in [
      ("metadata.json", Data(metadata.text.utf8)), ("config.json", Data(config.text.utf8)),
      ("model.weights.h5", weightsData),
    ] {
      try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .none,
        provider: { position, size in data.subdata(in: Int(position)..<(Int(position) + size)) })
    }
  }
}
