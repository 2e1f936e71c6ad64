import CHDF5

/// A dataset: an n-dimensional array of numbers.
public final class Dataset: AttributeOwner {
  public let file: File
  public let path: String
  let handle: Handle

  init(file: File, path: String, handle: Handle) {
    self.file = file
    self.path = path
    self.handle = handle
  }

  var objectID: hid_t { handle.id }

  /// The dimensions; `[]` for a scalar.
  public var shape: [Int] {
    let space = H5Dget_space(handle.id)
    defer { H5Sclose(space) }
    let rank = Int(H5Sget_simple_extent_ndims(space))
    guard rank > 0 else { return [] }
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Sget_simple_extent_dims(space, &dims, nil)
    return dims.map { Int($0) }
  }

  /// The values as float32, in C order. HDF5 converts float64, float16, big-endian and
  /// integer storage, and undoes chunking and gzip.
  public func readFloats() throws -> [Float] {
    let type = H5Dget_type(handle.id)
    defer { H5Tclose(type) }
    let typeClass = H5Tget_class(type)
    guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
      throw HDF5Error(file: file.path, path: path, message: "not a numeric dataset")
    }
    let count = try Limits.elements(shape, of: 4, in: self)
    var values = [Float](repeating: 0, count: count)
    guard count > 0 else { return values }
    // Up to a second per 10 million values on top of the usual bound (gzip, conversions).
    let status = Watchdog.guarding(seconds: 10 + Double(count) / 1e7) {
      values.withUnsafeMutableBufferPointer {
        H5Dread(
          handle.id, Library.nativeFloat, Library.selectAll, Library.selectAll,
          Library.propertyDefault, $0.baseAddress)
      }
    }
    guard status >= 0 else {
      throw HDF5Error(file: file.path, path: path, message: "cannot read values")
    }
    return values
  }
}
