import Foundation
import Graph

/// NumPy's `.npy` format: a magic string, a Python-dict header, then raw C-order values.
/// Reads float32/float64/float16, int8…int64, uint8…uint64 and bool, either byte order;
/// writes little-endian float32.
public enum NPY {
  /// The values as float32 (integers, e.g. token ids, convert exactly up to 2²⁴).
  public static func read(_ data: Data, file: String = "<npy>") throws -> Tensor {
    let bytes = [UInt8](data)
    let header = try Header(bytes, file: file)
    var count = 1
    for dim in header.shape {
      // Overflow-checked: a damaged header must be an error, not a trap or a huge allocation.
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      guard !overflow, product <= bytes.count else {
        throw TensorIOError(file: file, "shape \(header.shape) does not fit in the file's \(bytes.count) bytes")
      }
      count = product
    }
    let body = bytes.count - header.length
    guard body >= count * header.element.size else {
      throw TensorIOError(
        file: file,
        "holds \(body) bytes, shape \(header.shape) of \(header.descr) needs \(count * header.element.size)")
    }
    let values = bytes.withUnsafeBytes {
      header.element.floats(UnsafeRawBufferPointer(rebasing: $0[header.length...]), count)
    }
    return Tensor(shape: header.shape, data: values)
  }

  /// An `.npy` header: the element type, the shape, and its length in bytes (where the values
  /// start).
  public struct Header {
    public let descr: String
    public let shape: [Int]
    public let length: Int
    let element: Element

    /// The bytes needed to know the header's length.
    public static let prefix = 12

    /// The header's total length from the first `prefix` bytes (or fewer, for a short file).
    public static func length(_ bytes: [UInt8], file: String) throws -> Int {
      guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
        throw TensorIOError(file: file, "not an .npy file (no \\x93NUMPY magic)")
      }
      let major = bytes[6]
      guard (1...3).contains(major), major == 1 || bytes.count >= 12 else {
        throw TensorIOError(file: file, "truncated header (format version \(major))")
      }
      return major == 1
        ? 10 + (Int(bytes[8]) | Int(bytes[9]) << 8)
        : 12 + (Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24)
    }

    /// Parses the header at the start of `bytes`, which hold at least all of it.
    public init(_ bytes: [UInt8], file: String) throws {
      length = try Self.length(bytes, file: file)
      guard bytes.count >= length else { throw TensorIOError(file: file, "truncated header") }
      let start = bytes[6] == 1 ? 10 : 12
      let text = String(decoding: bytes[start..<length], as: UTF8.self)
      guard let descr = NPY.field(text, "descr")?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")),
        let shapeText = NPY.field(text, "shape")
      else { throw TensorIOError(file: file, "header lacks descr or shape: \(text)") }
      if NPY.field(text, "fortran_order")?.contains("True") == true {
        throw TensorIOError(file: file, "Fortran-order arrays are not supported; save with np.ascontiguousarray")
      }
      shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
        .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
      guard shape.allSatisfy({ $0 >= 0 }) else { throw TensorIOError(file: file, "negative shape \(shape)") }
      guard let element = Element(descr) else {
        throw TensorIOError(file: file, "dtype '\(descr)' is not supported (use float32, float64 or an integer type)")
      }
      self.descr = descr
      self.element = element
    }
  }

  /// Little-endian float32 `.npy` bytes.
  public static func write(_ tensor: Tensor) -> Data {
    var data = Data(header(shape: tensor.shape, integers: false))
    tensor.data.withUnsafeBytes { data.append(contentsOf: $0) }
    return data
  }

  /// A version 1.0 header for little-endian float32 (or int64) values of `shape`, padded with
  /// spaces to a multiple of 64 bytes and to at least `minimumLength`.
  public static func header(shape: [Int], integers: Bool, minimumLength: Int = 0) -> [UInt8] {
    let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var text = "{'descr': '\(integers ? "<i8" : "<f4")', 'fortran_order': False, 'shape': \(shapeText), }"
    while (10 + text.utf8.count + 1) % 64 != 0 || 10 + text.utf8.count + 1 < minimumLength { text += " " }
    text += "\n"
    let length = text.utf8.count
    return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(text.utf8)
  }

  /// The text after `'key':` up to the next top-level comma.
  static func field(_ header: String, _ key: String) -> String? {
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
  struct Element {
    let size: Int
    let nativeFloat: Bool
    let value: (UnsafeRawBufferPointer, Int) -> Float

    /// `count` values from `bytes`, as Float; little-endian float32 is one copy.
    func floats(_ bytes: UnsafeRawBufferPointer, _ count: Int) -> [Float] {
      [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        if nativeFloat {
          _ = memcpy(buffer.baseAddress!, bytes.baseAddress!, count * 4)
        } else {
          for index in 0..<count { buffer[index] = value(bytes, index * size) }
        }
        initialized = count
      }
    }

    init?(_ descr: String) {
      let order = descr.first ?? "|"
      let code = descr.dropFirst()
      let big = order == ">"
      nativeFloat = code == "f4" && !big
      func raw(_ bytes: UnsafeRawBufferPointer, _ offset: Int, _ size: Int) -> UInt64 {
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
