import CHDF5
import Foundation

/// Reading and writing attributes, shared by groups and datasets.
///
/// Strings are read whatever way they were stored: variable- or fixed-length, ASCII or UTF-8,
/// NULLTERM, NULLPAD or SPACEPAD, scalar or 1-D. Keras writes an empty name list as a float64
/// array of shape (0,), which reads as `[]`.
public protocol AttributeOwner: AnyObject {
  var file: File { get }
  var path: String { get }
}

/// Keras's limit for one attribute in an object header; longer lists are split.
let attributeChunkLimit = 64512

extension AttributeOwner {
  var id: hid_t {
    switch self {
    case let group as Group: return group.objectID
    case let dataset as Dataset: return dataset.objectID
    default: return -1
    }
  }

  func attributeError(_ name: String, _ message: String) -> HDF5Error {
    HDF5Error(file: file.path, path: "\(path)@\(name)", message: message)
  }

  public func hasAttribute(_ name: String) -> Bool { H5Aexists(id, name) > 0 }

  /// A string attribute stored as a scalar or a one-element array; nil when absent.
  public func stringAttribute(_ name: String) throws -> String? {
    guard let strings = try stringsAttribute(name) else { return nil }
    guard strings.count == 1 else {
      throw attributeError(name, "expected one string, found \(strings.count)")
    }
    return strings[0]
  }

  /// A list of strings; nil when absent, `[]` for Keras's empty float64 list.
  public func stringsAttribute(_ name: String) throws -> [String]? {
    guard hasAttribute(name) else { return nil }
    let attr = H5Aopen(id, name, Library.propertyDefault)
    guard attr >= 0 else { throw attributeError(name, "cannot open attribute") }
    defer { H5Aclose(attr) }
    let type = H5Aget_type(attr)
    defer { H5Tclose(type) }
    let space = H5Aget_space(attr)
    defer { H5Sclose(space) }
    let count = Int(H5Sget_simple_extent_npoints(space))
    guard (0...Limits.attributeItems).contains(count) else {
      throw attributeError(name, "declares \(count) strings: the file is damaged")
    }
    switch H5Tget_class(type) {
    case H5T_STRING: break
    case H5T_FLOAT, H5T_INTEGER:
      if count == 0 { return [] }
      throw attributeError(name, "expected strings, found \(count) numbers")
    default: throw attributeError(name, "expected strings, found another type")
    }
    if count == 0 { return [] }
    if H5Tis_variable_str(type) > 0 {
      let memType = H5Tcopy(Library.cString)
      defer { H5Tclose(memType) }
      H5Tset_size(memType, Library.variableSize)
      H5Tset_cset(memType, H5Tget_cset(type))
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      guard Watchdog.guarding({ H5Aread(attr, memType, &pointers) }) >= 0 else {
        throw attributeError(name, "cannot read strings")
      }
      defer { for pointer in pointers { H5free_memory(pointer) } }
      return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }
    let size = H5Tget_size(type)
    guard size > 0, size.multipliedReportingOverflow(by: count).partialValue <= Limits.attributeBytes,
      !size.multipliedReportingOverflow(by: count).overflow
    else {
      throw attributeError(name, "declares \(count) strings of \(size) bytes: the file is damaged")
    }
    var bytes = [UInt8](repeating: 0, count: size * count)
    guard Watchdog.guarding({ H5Aread(attr, type, &bytes) }) >= 0 else {
      throw attributeError(name, "cannot read strings")
    }
    let padding = H5Tget_strpad(type)
    return (0..<count).map { index in
      var chunk = bytes[(index * size)..<((index + 1) * size)]
      if let end = chunk.firstIndex(of: 0) { chunk = chunk[..<end] }
      var text = String(decoding: chunk, as: UTF8.self)
      if padding == H5T_STR_SPACEPAD { while text.hasSuffix(" ") { text.removeLast() } }
      return text
    }
  }

  /// A name list that Keras may have split into `name0`, `name1`, … chunks; nil when absent.
  public func chunkedStringsAttribute(_ name: String) throws -> [String]? {
    if let whole = try stringsAttribute(name) { return whole }
    var all: [String]? = nil
    var index = 0
    while let chunk = try stringsAttribute("\(name)\(index)") {
      all = (all ?? []) + chunk
      index += 1
    }
    return all
  }

  /// Writes a scalar variable-length string (UTF-8 unless `ascii`).
  public func writeString(_ name: String, _ value: String, ascii: Bool = false) throws {
    let type = H5Tcopy(Library.cString)
    defer { H5Tclose(type) }
    H5Tset_size(type, Library.variableSize)
    H5Tset_cset(type, ascii ? H5T_CSET_ASCII : H5T_CSET_UTF8)
    let space = H5Screate(H5S_SCALAR)
    defer { H5Sclose(space) }
    try value.withCString { text in
      var pointer: UnsafePointer<CChar>? = text
      try create(name, type: type, space: space) { H5Awrite($0, type, &pointer) }
    }
  }

  /// Writes a list of names as Keras does: a 1-D vlen ASCII array; an empty list as a float64
  /// array of shape (0,); a list past 64512 bytes as fixed-length NULLPAD chunks `name0`, `name1`, ….
  public func writeNameList(_ name: String, _ values: [String]) throws {
    if values.isEmpty {
      var dims: [hsize_t] = [0]
      let space = H5Screate_simple(1, &dims, nil)
      defer { H5Sclose(space) }
      try create(name, type: Library.float64LE, space: space) { _ in 0 }
      return
    }
    let longest = values.map { $0.utf8.count }.max() ?? 1
    if values.count * 16 <= attributeChunkLimit {
      try writeVariableStrings(name, values)
      return
    }
    var chunks = 1
    while (values.count + chunks - 1) / chunks * max(longest, 1) > attributeChunkLimit { chunks += 1 }
    let base = values.count / chunks, extra = values.count % chunks
    var start = 0
    for chunk in 0..<chunks {
      let size = base + (chunk < extra ? 1 : 0)
      try writeFixedStrings("\(name)\(chunk)", Array(values[start..<(start + size)]), width: longest)
      start += size
    }
  }

  private func writeVariableStrings(_ name: String, _ values: [String]) throws {
    let type = H5Tcopy(Library.cString)
    defer { H5Tclose(type) }
    H5Tset_size(type, Library.variableSize)
    H5Tset_cset(type, H5T_CSET_ASCII)
    var dims = [hsize_t(values.count)]
    let space = H5Screate_simple(1, &dims, nil)
    defer { H5Sclose(space) }
    let storage = values.map { strdup($0) }
    defer { storage.forEach { free($0) } }
    var pointers = storage.map { UnsafePointer($0) }
    try create(name, type: type, space: space) { H5Awrite($0, type, &pointers) }
  }

  private func writeFixedStrings(_ name: String, _ values: [String], width: Int) throws {
    let type = H5Tcopy(Library.cString)
    defer { H5Tclose(type) }
    H5Tset_size(type, max(width, 1))
    H5Tset_strpad(type, H5T_STR_NULLPAD)
    var dims = [hsize_t(values.count)]
    let space = H5Screate_simple(1, &dims, nil)
    defer { H5Sclose(space) }
    var bytes = [UInt8](repeating: 0, count: values.count * max(width, 1))
    for (index, value) in values.enumerated() {
      for (offset, byte) in value.utf8.enumerated() { bytes[index * max(width, 1) + offset] = byte }
    }
    try create(name, type: type, space: space) { H5Awrite($0, type, &bytes) }
  }

  private func create(_ name: String, type: hid_t, space: hid_t, write: (hid_t) -> herr_t) throws {
    if hasAttribute(name) { H5Adelete(id, name) }
    let attr = H5Acreate2(id, name, type, space, Library.propertyDefault, Library.propertyDefault)
    guard attr >= 0 else { throw attributeError(name, "cannot create attribute") }
    defer { H5Aclose(attr) }
    guard write(attr) >= 0 else { throw attributeError(name, "cannot write attribute") }
  }
}
