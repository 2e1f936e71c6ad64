import CHDF5
import Foundation

/// An HDF5 file opened for reading or created for writing, on disk or in memory (HDF5's
/// "core" driver), so that stdin, pipes and stdout never need a temporary file.
///
/// ```swift
/// let file = try File(reading: "model.h5")
/// let config = try file.root.stringAttribute("model_config")
/// ```
public final class File {
  public let path: String
  let handle: Handle

  /// Opens an existing file read-only.
  public init(reading path: String) throws {
    Library.silenced
    guard FileManager.default.fileExists(atPath: path) else {
      throw HDF5Error(file: path, path: "/", message: "no such file")
    }
    guard H5Fis_hdf5(path) > 0 else {
      throw HDF5Error(file: path, path: "/", message: "not an HDF5 file")
    }
    let id = H5Fopen(path, chdf5_F_ACC_RDONLY(), Library.propertyDefault)
    guard id >= 0 else {
      throw HDF5Error(file: path, path: "/", message: "cannot open: the HDF5 file is damaged or truncated")
    }
    self.path = path
    handle = Handle(id, close: H5Fclose)
  }

  /// Opens the bytes of a file, read-only; `name` names it in errors.
  public init(image: Data, name: String) throws {
    Library.silenced
    let access = try File.inMemory(name)
    defer { H5Pclose(access) }
    guard image.count >= 8, image.prefix(8) == Data([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) else {
      throw HDF5Error(file: name, path: "/", message: "not an HDF5 file")
    }
    // HDF5 copies the image, so the bytes need to live only for this call.
    let status = image.withUnsafeBytes {
      H5Pset_file_image(access, UnsafeMutableRawPointer(mutating: $0.baseAddress), image.count)
    }
    guard status >= 0 else { throw HDF5Error(file: name, path: "/", message: "cannot take the file's bytes") }
    // The core driver may look at a file of that name on disk, so HDF5 gets one that names none.
    let id = H5Fopen(File.memoryName, chdf5_F_ACC_RDONLY(), access)
    guard id >= 0 else {
      throw HDF5Error(file: name, path: "/", message: "cannot open: the HDF5 file is damaged or truncated")
    }
    path = name
    handle = Handle(id, close: H5Fclose)
  }

  /// Creates a file in memory, with the oldest file format so every Keras and h5py version can
  /// read it; `image()` gives its bytes.
  public init(creatingInMemory name: String) throws {
    Library.silenced
    let access = try File.inMemory(name)
    defer { H5Pclose(access) }
    let id = H5Fcreate(File.memoryName, chdf5_F_ACC_TRUNC(), Library.propertyDefault, access)
    guard id >= 0 else { throw HDF5Error(file: name, path: "/", message: "cannot create") }
    path = name
    handle = Handle(id, close: H5Fclose)
  }

  /// The whole file as bytes, everything written so far included.
  public func image() throws -> Data {
    try flush()
    let size = H5Fget_file_image(handle.id, nil, 0)
    guard size > 0 else { throw HDF5Error(file: path, path: "/", message: "cannot take the file's image") }
    var data = Data(count: size)
    let copied = data.withUnsafeMutableBytes { H5Fget_file_image(handle.id, $0.baseAddress, size) }
    guard copied == size else { throw HDF5Error(file: path, path: "/", message: "cannot take the file's image") }
    return data
  }

  /// What HDF5 calls an in-memory file: no path on disk has this name.
  private static let memoryName = "<ensemble in-memory file>"

  /// File access through memory only (no backing file), growing by 1 MiB.
  private static func inMemory(_ name: String) throws -> hid_t {
    let access = H5Pcreate(Library.fileAccess)
    guard access >= 0, H5Pset_fapl_core(access, 1 << 20, false) >= 0 else {
      throw HDF5Error(file: name, path: "/", message: "cannot set up an in-memory file")
    }
    return access
  }

  /// The root group, `/`.
  public var root: Group { Group(file: self, path: "/", handle: handle) }

  /// Writes everything to disk; the file stays usable.
  public func flush() throws {
    guard H5Fflush(handle.id, H5F_SCOPE_GLOBAL) >= 0 else {
      throw HDF5Error(file: path, path: "/", message: "cannot flush")
    }
  }
}
