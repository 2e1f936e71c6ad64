import Foundation
import Graph

/// NumPy's `.npy` format: a magic string, a Python-dict header, then raw C-order values.
/// Reads float32/float64/float16, int8…int64, uint8…uint64 and bool, either byte order;
/// writes little-endian float32.
public enum NPY {
  /// The values as float32 (integers, e.g. token ids, convert exactly up to 2²⁴).
  public static func read(_ data: Data, file: String = "<npy>") throws -> Tensor {
    let bytes = [UInt8](data)
    guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
      throw TensorIOError(file: file, "not an .npy file (no \\x93NUMPY magic)")
    }
    let major = bytes[6]
    guard (1...3).contains(major), major == 1 || bytes.count >= 12 else {
      throw TensorIOError(file: file, "truncated header (format version \(major))")
    }
    let headerLength =
      major == 1
      ? Int(bytes[8]) | Int(bytes[9]) << 8
      : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
    let headerStart = major == 1 ? 10 : 12
    guard bytes.count >= headerStart + headerLength else { throw TensorIOError(file: file, "truncated header") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = field(header, "descr")?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")),
      let shapeText = field(header, "shape")
    else { throw TensorIOError(file: file, "header lacks descr or shape: \(header)") }
    if field(header, "fortran_order")?.contains("True") == true {
      throw TensorIOError(file: file, "Fortran-order arrays are not supported; save with np.ascontiguousarray")
    }
    let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
      .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    // Overflow-checked: a damaged header must be an error, not a trap or a huge allocation.
    var count = 1
    for dim in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      guard dim >= 0, !overflow, product <= bytes.count else {
        throw TensorIOError(file: file, "shape \(shape) does not fit in the file's \(bytes.count) bytes")
      }
      count = product
    }
    let body = Array(bytes[(headerStart + headerLength)...])
    if descr == "<f4" || descr == "=f4", body.count >= count * 4 {
      // The common case, little-endian float32: one copy.
      let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        body.withUnsafeBytes { raw in _ = memcpy(buffer.baseAddress!, raw.baseAddress!, count * 4) }
        initialized = count
      }
      return Tensor(shape: shape, data: values)
    }
    guard let element = Element(descr) else {
      throw TensorIOError(file: file, "dtype '\(descr)' is not supported (use float32, float64 or an integer type)")
    }
    guard body.count >= count * element.size else {
      throw TensorIOError(
        file: file, "holds \(body.count) bytes, shape \(shape) of \(descr) needs \(count * element.size)")
    }
    let values = (0..<count).map { element.value(body, $0 * element.size) }
    return Tensor(shape: shape, data: values)
  }

  /// Little-endian float32 `.npy` bytes.
  public static func write(_ tensor: Tensor) -> Data {
    let shapeText =
      tensor.shape.count == 1
      ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
    data.append(contentsOf: Array(header.utf8))
    tensor.data.withUnsafeBufferPointer {
      data.append(
        UnsafeBufferPointer(
          start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4))
    }
    return data
  }

  /// The text after `'key':` up to the next top-level comma.
  private static func field(_ header: String, _ key: String) -> String? {
    guard let range = header.range(of: "'\(key)':") else { return nil }
    var depth = 0
    var value = ""
    for character in header[range.upperBound...] {
      if character == "(" { depth += 1 }
      if character == ")" { depth -= 1 }
      if (character == "," && depth == 0) || character == "}" { break }
      value.append(character)
    }
    return value.trimmingCharacters(in: .whitespaces)
  }

  /// One element type: its size and how to read it as a Float.
  private struct Element {
    let size: Int
    let value: ([UInt8], Int) -> Float

    init?(_ descr: String) {
      let order = descr.first ?? "|"
      let code = descr.dropFirst()
      let big = order == ">"
      func raw(_ bytes: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<size {
          let byte = UInt64(bytes[offset + (big ? index : size - 1 - index)])
          value = value << 8 | byte
        }
        return value
      }
      switch code {
      case "f4": size = 4; value = { Float(bitPattern: UInt32(raw($0, $1, 4))) }
      case "f8": size = 8; value = { Float(Double(bitPattern: raw($0, $1, 8))) }
      case "f2": size = 2; value = { Float(Float16(bitPattern: UInt16(raw($0, $1, 2)))) }
      case "i1": size = 1; value = { Float(Int8(bitPattern: UInt8(raw($0, $1, 1)))) }
      case "i2": size = 2; value = { Float(Int16(bitPattern: UInt16(raw($0, $1, 2)))) }
      case "i4": size = 4; value = { Float(Int32(bitPattern: UInt32(raw($0, $1, 4)))) }
      case "i8": size = 8; value = { Float(Int64(bitPattern: raw($0, $1, 8))) }
      case "u1", "b1": size = 1; value = { Float(raw($0, $1, 1)) }
      case "u2": size = 2; value = { Float(raw($0, $1, 2)) }
      case "u4": size = 4; value = { Float(raw($0, $1, 4)) }
      case "u8": size = 8; value = { Float(raw($0, $1, 8)) }
      default: return nil
      }
    }
  }
}
