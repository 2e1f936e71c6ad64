import Foundation

/// Text to Float32, correctly rounded, fast on the common spellings.
///
/// A decimal `m × 10^e` with m ≤ 2⁵³ and |e| ≤ 22 is computed in double precision as `m·10^e`
/// or `m·(10^−e)` (the reciprocal rounded once), within 1.5 double ulps of the decimal. A
/// float is 29 bits shorter, so rounding that double to Float gives the correctly rounded float
/// unless the double lies within a few double ulps of a point halfway between two floats: that
/// case, and every other spelling (more digits, large exponents, `nan`, `inf`), goes to `strtof`.
public enum FloatParsing {
  /// 10ᵉ for e in 0...22, each exact in a double.
  @inline(__always)
  private static func power(_ e: Int) -> Double {
    switch e {
    case 0: return 1
    case 1: return 1e1
    case 2: return 1e2
    case 3: return 1e3
    case 4: return 1e4
    case 5: return 1e5
    case 6: return 1e6
    case 7: return 1e7
    case 8: return 1e8
    case 9: return 1e9
    case 10: return 1e10
    case 11: return 1e11
    case 12: return 1e12
    case 13: return 1e13
    case 14: return 1e14
    case 15: return 1e15
    case 16: return 1e16
    case 17: return 1e17
    case 18: return 1e18
    case 19: return 1e19
    case 20: return 1e20
    case 21: return 1e21
    default: return 1e22
    }
  }

  /// 10⁻ᵉ for e in 0...22, rounded to the nearest double.
  @inline(__always)
  private static func reciprocal(_ e: Int) -> Double {
    switch e {
    case 0: return 1
    case 1: return 1e-1
    case 2: return 1e-2
    case 3: return 1e-3
    case 4: return 1e-4
    case 5: return 1e-5
    case 6: return 1e-6
    case 7: return 1e-7
    case 8: return 1e-8
    case 9: return 1e-9
    case 10: return 1e-10
    case 11: return 1e-11
    case 12: return 1e-12
    case 13: return 1e-13
    case 14: return 1e-14
    case 15: return 1e-15
    case 16: return 1e-16
    case 17: return 1e-17
    case 18: return 1e-18
    case 19: return 1e-19
    case 20: return 1e-20
    case 21: return 1e-21
    default: return 1e-22
    }
  }

  /// The value of the bytes `text` (no surrounding spaces), or nil when they are not a number.
  @inline(__always)
  public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Float? {
    guard let base = text.baseAddress, text.count > 0 else { return nil }
    let end = base + text.count
    var cursor = base
    let negative = cursor.pointee == UInt8(ascii: "-")
    if negative || cursor.pointee == UInt8(ascii: "+") { cursor += 1 }
    var mantissa: UInt64 = 0
    var exponent = 0
    // Digits beyond 19 that could not be kept: the fast path does not apply.
    var dropped = false
    let digitsStart = cursor
    while cursor < end, cursor.pointee &- 48 < 10 {
      if mantissa < 1_000_000_000_000_000_000 / 10 {
        mantissa = mantissa &* 10 &+ UInt64(cursor.pointee &- 48)
      } else {
        exponent += 1
        dropped = true
      }
      cursor += 1
    }
    var sawDigit = cursor > digitsStart
    if cursor < end, cursor.pointee == UInt8(ascii: ".") {
      cursor += 1
      let fractionStart = cursor
      while cursor < end, cursor.pointee &- 48 < 10 {
        if mantissa < 1_000_000_000_000_000_000 / 10 {
          mantissa = mantissa &* 10 &+ UInt64(cursor.pointee &- 48)
          exponent -= 1
        } else {
          dropped = true
        }
        cursor += 1
      }
      sawDigit = sawDigit || cursor > fractionStart
    }
    guard sawDigit else { return slow(text) }
    if cursor < end, cursor.pointee | 0x20 == UInt8(ascii: "e") {
      cursor += 1
      var exponentNegative = false
      if cursor < end, cursor.pointee == UInt8(ascii: "-") || cursor.pointee == UInt8(ascii: "+") {
        exponentNegative = cursor.pointee == UInt8(ascii: "-")
        cursor += 1
      }
      let exponentStart = cursor
      var written = 0
      while cursor < end, cursor.pointee &- 48 < 10 {
        if written < 10_000 { written = written * 10 + Int(cursor.pointee &- 48) }
        cursor += 1
      }
      guard cursor > exponentStart else { return nil }
      exponent += exponentNegative ? -written : written
    }
    guard cursor == end else { return nil }
    guard !dropped, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return slow(text) }
    let magnitude = Double(mantissa) * (exponent < 0 ? reciprocal(-exponent) : power(exponent))
    // Near halfway between two floats: the low 29 bits of the double's mantissa near 1 followed
    // by zeros (within 4 ulps either way).
    let low = (magnitude.bitPattern &+ 4) & 0x1FFF_FFFF
    if low >= 0x1000_0000, low <= 0x1000_0008 { return slow(text) }
    let value = Float(magnitude)
    return negative ? -value : value
  }

  /// `strtof` on a NUL-terminated copy, the whole text consumed.
  private static func slow(_ text: UnsafeBufferPointer<UInt8>) -> Float? {
    var copy = [CChar](repeating: 0, count: text.count + 1)
    for index in 0..<text.count { copy[index] = CChar(bitPattern: text[index]) }
    return copy.withUnsafeBufferPointer { buffer -> Float? in
      var end: UnsafeMutablePointer<CChar>? = nil
      let value = strtof(buffer.baseAddress!, &end)
      guard let end, end - UnsafeMutablePointer(mutating: buffer.baseAddress!) == text.count, text.count > 0 else {
        return nil
      }
      return value
    }
  }
}
