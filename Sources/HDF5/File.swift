import CHDF5
import Foundation

/// An HDF5 file opened for reading or created for writing.
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

  /// Creates (or truncates) a file for writing, with the oldest file format so every Keras
  /// and h5py version can read it.
  public init(creating path: String) throws {
    Library.silenced
    let id = H5Fcreate(path, chdf5_F_ACC_TRUNC(), Library.propertyDefault, Library.propertyDefault)
    guard id >= 0 else { throw HDF5Error(file: path, path: "/", message: "cannot create") }
    self.path = path
    handle = Handle(id, close: H5Fclose)
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
