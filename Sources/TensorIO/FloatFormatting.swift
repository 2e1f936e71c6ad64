import Foundation

/// Float32 to text, fast enough for hundreds of MB/s: the shortest digits that read back as
/// the same Float (Ryu, Adams 2018: the interval of decimals that round to the value, scaled by
/// exact 5ᵏ multipliers), spelled as Swift's `Float.description` spells them (`0.1`, `1.0`,
/// `1e-05`, `1.6777218e+07`), or with `precision` significant digits (`%.*g`).
public enum FloatFormatting {
  /// The most bytes `write` takes: `%.17g` of a float, with sign and exponent.
  public static let maximumLength = 32

  /// Appends the text of `value` to `out`.
  @inline(__always)
  public static func append(_ value: Float, to out: inout [UInt8], precision: Int? = nil) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { buffer in
      let count = write(value, to: buffer.baseAddress!, precision: precision)
      out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: count))
    }
  }

  /// Writes the text of `value` at `out`, which has room for `maximumLength` bytes; returns
  /// how many it wrote.
  @inline(__always)
  public static func write(_ value: Float, to out: UnsafeMutablePointer<UInt8>, precision: Int? = nil) -> Int {
    if let precision {
      let count = withVaList([Int32(precision), Double(value)]) { arguments in
        out.withMemoryRebound(to: CChar.self, capacity: maximumLength) {
          vsnprintf($0, maximumLength, "%.*g", arguments)
        }
      }
      return Int(min(count, Int32(maximumLength - 1)))
    }
    let bits = value.bitPattern
    let sign = bits >> 31 != 0
    let exponentBits = Int((bits >> 23) & 0xFF)
    let mantissaBits = bits & 0x7F_FFFF
    var cursor = out
    @inline(__always) func put(_ byte: UInt8) {
      cursor.pointee = byte
      cursor += 1
    }
    if exponentBits == 0xFF {
      for byte in mantissaBits != 0 ? "nan".utf8 : (sign ? "-inf" : "inf").utf8 { put(byte) }
      return cursor - out
    }
    if sign { put(UInt8(ascii: "-")) }
    if exponentBits == 0, mantissaBits == 0 {
      put(UInt8(ascii: "0"))
      put(UInt8(ascii: "."))
      put(UInt8(ascii: "0"))
      return cursor - out
    }
    let (digits, exponent) = shortest(mantissa: mantissaBits, exponent: exponentBits)
    return cursor - out + spell(digits, exponent, large: value.magnitude > 16_777_216, to: cursor)
  }

  /// `value = digits × 10^exponent` as Swift spells a Float: positional from 10⁻⁴ up to 2²⁴
  /// (`large` beyond), else `d.ddde±XX`; returns the bytes written.
  @inline(__always)
  private static func spell(_ digits: UInt32, _ exponent: Int, large: Bool, to out: UnsafeMutablePointer<UInt8>)
    -> Int
  {
    let zero = UInt8(ascii: "0")
    let count = digitCount(digits)
    let scientific = exponent + count - 1
    var cursor = out
    /// Writes the digits at `at`, two at a time from the last, with a point after `pointAfter` of
    /// them (none when 0 or ≥ count).
    @inline(__always) func digitsWithPoint(_ at: UnsafeMutablePointer<UInt8>, pointAfter: Int) -> Int {
      let point = pointAfter > 0 && pointAfter < count
      // "00" to "99", two bytes each.
      let pairs =
        ("00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"
        as StaticString).utf8Start
      var rest = digits
      var position = count
      while position >= 2 {
        let pair = Int(rest % 100) * 2
        rest /= 100
        at[position - 1] = pairs[pair + 1]
        at[position - 2] = pairs[pair]
        position -= 2
      }
      if position == 1 { at[0] = zero + UInt8(rest) }
      guard point else { return count }
      // Open the point's slot.
      var index = count
      while index > pointAfter {
        at[index] = at[index - 1]
        index -= 1
      }
      at[pointAfter] = UInt8(ascii: ".")
      return count + 1
    }
    if large || scientific < -4 {
      cursor += digitsWithPoint(cursor, pointAfter: 1)
      cursor.pointee = UInt8(ascii: "e")
      cursor[1] = scientific < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
      cursor += 2
      let magnitude = abs(scientific)
      if magnitude >= 100 {
        cursor.pointee = zero + UInt8(magnitude / 100)
        cursor += 1
      }
      cursor[0] = zero + UInt8(magnitude / 10 % 10)
      cursor[1] = zero + UInt8(magnitude % 10)
      cursor += 2
    } else if scientific < 0 {
      cursor[0] = zero
      cursor[1] = UInt8(ascii: ".")
      cursor += 2
      for _ in 0..<(-scientific - 1) {
        cursor.pointee = zero
        cursor += 1
      }
      cursor += digitsWithPoint(cursor, pointAfter: 0)
    } else if exponent >= 0 {
      cursor += digitsWithPoint(cursor, pointAfter: 0)
      for _ in 0..<exponent {
        cursor.pointee = zero
        cursor += 1
      }
      cursor[0] = UInt8(ascii: ".")
      cursor[1] = zero
      cursor += 2
    } else {
      cursor += digitsWithPoint(cursor, pointAfter: scientific + 1)
    }
    return cursor - out
  }

  /// The decimal digits of `value` < 10⁹.
  @inline(__always)
  private static func digitCount(_ value: UInt32) -> Int {
    if value < 10_000 {
      if value < 100 { return value < 10 ? 1 : 2 }
      return value < 1000 ? 3 : 4
    }
    if value < 10_000_000 {
      if value < 100_000 { return 5 }
      return value < 1_000_000 ? 6 : 7
    }
    return value < 100_000_000 ? 8 : 9
  }

  private static let inverseBits = 59
  private static let powerBits = 61

  /// `⌊2^(bits(5ⁱ) − 1 + 59) / 5ⁱ⌋ + 1` for i < 31 (Ryu's table, as literals so that no
  /// lazy initialisation is checked per value; `testFloatsAreSpelledAsSwiftSpellsThem` checks them).
  private static let inversePowers: [UInt64] = [
    0x0800000000000001, 0x0666666666666667, 0x051EB851EB851EB9,
    0x04189374BC6A7EFA, 0x068DB8BAC710CB2A, 0x053E2D6238DA3C22,
    0x0431BDE82D7B634E, 0x06B5FCA6AF2BD216, 0x055E63B88C230E78,
    0x044B82FA09B5A52D, 0x06DF37F675EF6EAE, 0x057F5FF85E592558,
    0x0465E6604B7A8447, 0x0709709A125DA071, 0x05A126E1A84AE6C1,
    0x0480EBE7B9D58567, 0x0734ACA5F6226F0B, 0x05C3BD5191B525A3,
    0x049C97747490EAE9, 0x0760F253EDB4AB0E, 0x05E72843249088D8,
    0x04B8ED0283A6D3E0, 0x078E480405D7B966, 0x060B6CD004AC9452,
    0x04D5F0A66A23A9DB, 0x07BCB43D769F762B, 0x063090312BB2C4EF,
    0x04F3A68DBC8F03F3, 0x07EC3DAF94180651, 0x065697BFA9ACD1DA,
    0x051212FFBAF0A7E2,
  ]

  /// 5ⁱ scaled to 61 bits, for i < 47.
  private static let powers: [UInt64] = [
    0x1000000000000000, 0x1400000000000000, 0x1900000000000000,
    0x1F40000000000000, 0x1388000000000000, 0x186A000000000000,
    0x1E84800000000000, 0x1312D00000000000, 0x17D7840000000000,
    0x1DCD650000000000, 0x12A05F2000000000, 0x174876E800000000,
    0x1D1A94A200000000, 0x12309CE540000000, 0x16BCC41E90000000,
    0x1C6BF52634000000, 0x11C37937E0800000, 0x16345785D8A00000,
    0x1BC16D674EC80000, 0x1158E460913D0000, 0x15AF1D78B58C4000,
    0x1B1AE4D6E2EF5000, 0x10F0CF064DD59200, 0x152D02C7E14AF680,
    0x1A784379D99DB420, 0x108B2A2C28029094, 0x14ADF4B7320334B9,
    0x19D971E4FE8401E7, 0x1027E72F1F128130, 0x1431E0FAE6D7217C,
    0x193E5939A08CE9DB, 0x1F8DEF8808B02452, 0x13B8B5B5056E16B3,
    0x18A6E32246C99C60, 0x1ED09BEAD87C0378, 0x13426172C74D822B,
    0x1812F9CF7920E2B6, 0x1E17B84357691B64, 0x12CED32A16A1B11E,
    0x178287F49C4A1D66, 0x1D6329F1C35CA4BF, 0x125DFA371A19E6F7,
    0x16F578C4E0A060B5, 0x1CB2D6F618C878E3, 0x11EFC659CF7D4B8D,
    0x166BB7F0435C9E71, 0x1C06A5EC5433C60D,
  ]

  @inline(__always) private static func pow5bits(_ e: Int) -> Int { ((e * 1_217_359) >> 19) + 1 }
  @inline(__always) private static func log10Pow2(_ e: Int) -> Int { (e * 78913) >> 18 }
  @inline(__always) private static func log10Pow5(_ e: Int) -> Int { (e * 732_923) >> 20 }

  @inline(__always)
  private static func mulShift(_ m: UInt32, _ factor: UInt64, _ shift: Int) -> UInt32 {
    UInt32(truncatingIfNeeded: (UInt128(m) * UInt128(factor)) >> shift)
  }

  @inline(__always)
  private static func multipleOfPowerOf5(_ value: UInt32, _ p: Int) -> Bool {
    var value = value
    var count = 0
    while value % 5 == 0, value != 0 {
      value /= 5
      count += 1
    }
    return count >= p
  }

  /// The shortest `digits × 10^exponent` inside the rounding interval of a finite, non-zero float.
  private static func shortest(mantissa ieeeMantissa: UInt32, exponent ieeeExponent: Int) -> (UInt32, Int) {
    let e2: Int
    let m2: UInt32
    if ieeeExponent == 0 {
      e2 = 1 - 127 - 23 - 2
      m2 = ieeeMantissa
    } else {
      e2 = ieeeExponent - 127 - 23 - 2
      m2 = (1 << 23) | ieeeMantissa
    }
    let acceptBounds = m2 & 1 == 0
    let mv = 4 * m2
    let mp = 4 * m2 + 2
    let mmShift: UInt32 = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0
    let mm = 4 * m2 - 1 - mmShift
    var vr: UInt32
    var vp: UInt32
    var vm: UInt32
    let e10: Int
    var vmIsTrailingZeros = false
    var vrIsTrailingZeros = false
    var lastRemovedDigit: UInt32 = 0
    if e2 >= 0 {
      let q = log10Pow2(e2)
      e10 = q
      let k = inverseBits + pow5bits(q) - 1
      let i = -e2 + q + k
      vr = mulShift(mv, inversePowers[q], i)
      vp = mulShift(mp, inversePowers[q], i)
      vm = mulShift(mm, inversePowers[q], i)
      if q != 0, (vp - 1) / 10 <= vm / 10 {
        let l = inverseBits + pow5bits(q - 1) - 1
        lastRemovedDigit = mulShift(mv, inversePowers[q - 1], -e2 + q - 1 + l) % 10
      }
      if q <= 9 {
        if mv % 5 == 0 {
          vrIsTrailingZeros = multipleOfPowerOf5(mv, q)
        } else if acceptBounds {
          vmIsTrailingZeros = multipleOfPowerOf5(mm, q)
        } else if multipleOfPowerOf5(mp, q) {
          vp -= 1
        }
      }
    } else {
      let q = log10Pow5(-e2)
      e10 = q + e2
      let i = -e2 - q
      let k = pow5bits(i) - powerBits
      var j = q - k
      vr = mulShift(mv, powers[i], j)
      vp = mulShift(mp, powers[i], j)
      vm = mulShift(mm, powers[i], j)
      if q != 0, (vp - 1) / 10 <= vm / 10 {
        j = q - 1 - (pow5bits(i + 1) - powerBits)
        lastRemovedDigit = mulShift(mv, powers[i + 1], j) % 10
      }
      if q <= 1 {
        vrIsTrailingZeros = true
        if acceptBounds { vmIsTrailingZeros = mmShift == 1 } else { vp -= 1 }
      } else if q < 31 {
        vrIsTrailingZeros = mv & ((1 << (q - 1)) - 1) == 0
      }
    }
    var removed = 0
    let output: UInt32
    /// Drops the last digit of the interval's three ends.
    func removeDigit() {
      vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
      lastRemovedDigit = vr % 10
      vr /= 10
      vp /= 10
      vm /= 10
      removed += 1
    }
    if vmIsTrailingZeros || vrIsTrailingZeros {
      while vp / 10 > vm / 10 {
        vmIsTrailingZeros = vmIsTrailingZeros && vm % 10 == 0
        removeDigit()
      }
      if vmIsTrailingZeros {
        while vm % 10 == 0 { removeDigit() }
      }
      if vrIsTrailingZeros, lastRemovedDigit == 5, vr % 2 == 0 { lastRemovedDigit = 4 }
      output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1 : 0)
    } else {
      // vrIsTrailingZeros is false here, so removeDigit leaves it so.
      while vp / 10 > vm / 10 { removeDigit() }
      output = vr + (vr == vm || lastRemovedDigit >= 5 ? 1 : 0)
    }
    return (output, e10 + removed)
  }
}
