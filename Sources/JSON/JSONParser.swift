/// A strict JSON parser that also takes Python's `NaN`, `Infinity` and `-Infinity`, which
/// Keras's `json.dumps` writes for such floats.
public struct JSONParseError: Error, CustomStringConvertible {
  public let offset: Int
  public let message: String
  public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

extension JSONValue {
  /// Parses one JSON document.
  public static func parse(_ text: String) throws -> JSONValue {
    var parser = Parser(bytes: Array(text.utf8))
    parser.skipSpace()
    let value = try parser.value()
    parser.skipSpace()
    guard parser.index == parser.bytes.count else { throw parser.fail("trailing characters") }
    return value
  }
}

private struct Parser {
  let bytes: [UInt8]
  var index = 0

  func fail(_ message: String) -> JSONParseError { JSONParseError(offset: index, message: message) }

  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
    let utf8 = Array(word.utf8)
    guard index + utf8.count <= bytes.count, Array(bytes[index..<(index + utf8.count)]) == utf8 else {
      throw fail("unexpected character")
    }
    index += utf8.count
    return value
  }

  mutating func value() throws -> JSONValue {
    guard index < bytes.count else { throw fail("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "{"): return try object()
    case UInt8(ascii: "["): return try array()
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool(true))
    case UInt8(ascii: "f"): return try literal("false", .bool(false))
    case UInt8(ascii: "n"): return try literal("null", .null)
    case UInt8(ascii: "N"): return try literal("NaN", .number(.nan))
    case UInt8(ascii: "I"): return try literal("Infinity", .number(.infinity))
    default: return try number()
    }
  }

  mutating func object() throws -> JSONValue {
    index += 1
    var members: [(String, JSONValue)] = []
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
      index += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
      let key = try string()
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      index += 1
      skipSpace()
      members.append((key, try value()))
      skipSpace()
      guard index < bytes.count else { throw fail("unexpected end") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
      throw fail("expected ',' or '}'")
    }
  }

  mutating func array() throws -> JSONValue {
    index += 1
    var items: [JSONValue] = []
    skipSpace()
    if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
      index += 1
      return .array(items)
    }
    while true {
      skipSpace()
      items.append(try value())
      skipSpace()
      guard index < bytes.count else { throw fail("unexpected end") }
      if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
      if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
      throw fail("expected ',' or ']'")
    }
  }

  mutating func string() throws -> String {
    index += 1
    var out: [UInt8] = []
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
      guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
      guard index < bytes.count else { break }
      let escape = bytes[index]
      index += 1
      switch escape {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "u"):
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), index + 1 < bytes.count,
          bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
        {
          index += 2
          let low = try hex4()
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        out.append(contentsOf: Array(String(Character(Unicode.Scalar(code) ?? "?")).utf8))
      default: out.append(escape)
      }
    }
    throw fail("unterminated string")
  }

  mutating func hex4() throws -> UInt32 {
    guard index + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
    else { throw fail("bad \\u escape") }
    index += 4
    return code
  }

  mutating func number() throws -> JSONValue {
    let start = index
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
      index += 1
      if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
        _ = try literal("Infinity", .null)
        return .number(-.infinity)
      }
    }
    while index < bytes.count, "0123456789.eE+-".utf8.contains(bytes[index]) { index += 1 }
    guard let number = Double(String(decoding: bytes[start..<index], as: UTF8.self)) else {
      index = start
      throw fail("unexpected character")
    }
    return .number(number)
  }
}
