import CHDF5

/// A group: a folder of groups and datasets, with attributes.
public final class Group: AttributeOwner {
  public let file: File
  public let path: String
  let handle: Handle

  init(file: File, path: String, handle: Handle) {
    self.file = file
    self.path = path
    self.handle = handle
  }

  var objectID: hid_t { handle.id }

  func childPath(_ name: String) -> String { path == "/" ? "/" + name : path + "/" + name }

  /// True when `name` (a relative path, possibly with `/`) names an existing link.
  public func contains(_ name: String) -> Bool {
    var prefix = ""
    for part in name.split(separator: "/") {
      prefix += prefix.isEmpty ? String(part) : "/" + part
      if H5Lexists(handle.id, prefix, Library.propertyDefault) <= 0 { return false }
    }
    return true
  }

  /// Opens the sub-group at the relative path `name`.
  public func group(_ name: String) throws -> Group {
    guard contains(name) else { throw error(name, "no such group") }
    let id = H5Gopen2(handle.id, name, Library.propertyDefault)
    guard id >= 0 else { throw error(name, "not a group") }
    return Group(file: file, path: childPath(name), handle: Handle(id, close: H5Gclose))
  }

  /// Opens the dataset at the relative path `name`.
  public func dataset(_ name: String) throws -> Dataset {
    guard contains(name) else { throw error(name, "no such dataset") }
    let id = H5Dopen2(handle.id, name, Library.propertyDefault)
    guard id >= 0 else { throw error(name, "not a dataset") }
    return Dataset(file: file, path: childPath(name), handle: Handle(id, close: H5Dclose))
  }

  /// Creates a sub-group; intermediate groups in a path with `/` are created too.
  @discardableResult
  public func createGroup(_ name: String) throws -> Group {
    let plist = H5Pcreate(H5P_CLS_LINK_CREATE_ID_g)
    defer { H5Pclose(plist) }
    H5Pset_create_intermediate_group(plist, 1)
    let id = H5Gcreate2(handle.id, name, plist, Library.propertyDefault, Library.propertyDefault)
    guard id >= 0 else { throw error(name, "cannot create group") }
    return Group(file: file, path: childPath(name), handle: Handle(id, close: H5Gclose))
  }

  /// Writes a float32 (little-endian, contiguous) dataset of the given shape; intermediate
  /// groups in `name` are created.
  public func writeFloats(_ name: String, _ values: [Float], shape: [Int]) throws {
    guard shape.reduce(1, *) == values.count else {
      throw error(name, "shape \(shape) does not hold \(values.count) values")
    }
    let dims = shape.map { hsize_t($0) }
    let space = dims.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(dims.count), dims, nil)
    defer { H5Sclose(space) }
    let plist = H5Pcreate(H5P_CLS_LINK_CREATE_ID_g)
    defer { H5Pclose(plist) }
    H5Pset_create_intermediate_group(plist, 1)
    let id = H5Dcreate2(
      handle.id, name, Library.float32LE, space, plist, Library.propertyDefault,
      Library.propertyDefault)
    guard id >= 0 else { throw error(name, "cannot create dataset") }
    defer { H5Dclose(id) }
    let status = values.withUnsafeBufferPointer {
      H5Dwrite(
        id, Library.nativeFloat, Library.selectAll, Library.selectAll,
        Library.propertyDefault, $0.baseAddress)
    }
    guard status >= 0 else { throw error(name, "cannot write dataset") }
  }

  func error(_ name: String, _ message: String) -> HDF5Error {
    HDF5Error(file: file.path, path: childPath(name), message: message)
  }
}
