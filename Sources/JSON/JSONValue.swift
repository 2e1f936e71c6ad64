/// A JSON value that keeps object keys in order, so files we write are stable and readable.
///
/// ```swift
/// let config = try JSONValue.parse(#"{"units": 10, "activation": "relu"}"#)
/// config["units"]?.int  // 10
/// ```
public enum JSONValue: Equatable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.number(let a), .number(let b)): return a == b || (a.isNaN && b.isNaN)
    case (.string(let a), .string(let b)): return a == b
    case (.array(let a), .array(let b)): return a == b
    case (.object(let a), .object(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: return false
    }
  }

  /// The member `key` of an object; nil for a missing key or a non-object.
  public subscript(key: String) -> JSONValue? {
    guard case .object(let members) = self else { return nil }
    return members.first { $0.0 == key }?.1
  }

  /// The element at `index` of an array; nil when out of range or not an array.
  public subscript(index: Int) -> JSONValue? {
    guard case .array(let items) = self, items.indices.contains(index) else { return nil }
    return items[index]
  }

  public var isNull: Bool { self == .null }
  public var string: String? { if case .string(let s) = self { return s } else { return nil } }
  public var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
  public var double: Double? { if case .number(let n) = self { return n } else { return nil } }
  public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
  public var members: [(String, JSONValue)]? {
    if case .object(let m) = self { return m } else { return nil }
  }

  /// An integral number as Int; nil for anything else.
  public var int: Int? {
    guard let n = double, n.rounded() == n, abs(n) < 1e15 else { return nil }
    return Int(n)
  }

  /// Whether `text` appears as a string anywhere inside this value.
  public func contains(string text: String) -> Bool {
    switch self {
    case .string(let value): return value == text
    case .array(let items): return items.contains { $0.contains(string: text) }
    case .object(let members): return members.contains { $0.1.contains(string: text) }
    default: return false
    }
  }

  /// The object with `key` set to `value` (replaced in place, or appended).
  public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
    var items = members ?? []
    if let index = items.firstIndex(where: { $0.0 == key }) {
      items[index].1 = value
    } else {
      items.append((key, value))
    }
    return .object(items)
  }

  /// The object without `key`.
  public func removing(_ key: String) -> JSONValue {
    .object((members ?? []).filter { $0.0 != key })
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
  ExpressibleByDictionaryLiteral
{
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .number(Double(value)) }
  public init(floatLiteral value: Double) { self = .number(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(elements) }
}
