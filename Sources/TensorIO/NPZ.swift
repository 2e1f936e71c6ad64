import Foundation
import Graph
import ZIPFoundation

/// NumPy's `.npz`: a zip archive of `.npy` members named `<name>.npy`, stored uncompressed as
/// `np.savez` does.
public enum NPZ {
  public static func write(_ arrays: [(name: String, tensor: Tensor)]) throws -> Data {
    let archive = try Archive(accessMode: .create)
    for (name, tensor) in arrays {
      let member = NPY.write(tensor)
      try archive.addEntry(
        with: name + ".npy", type: .file, uncompressedSize: Int64(member.count), compressionMethod: .none,
        provider: { position, size in member.subdata(in: Int(position)..<(Int(position) + size)) })
    }
    guard let data = archive.data else { throw TensorIOError(file: ".npz", "could not assemble the archive in memory") }
    return data
  }
}
