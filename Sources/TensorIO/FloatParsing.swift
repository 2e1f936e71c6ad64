import CTextCodec

/// Text to Float32, correctly rounded, fast on the common spellings (the method is described
/// in `Sources/CTextCodec/parse_decimal.c`; hard cases go to `strtof`).
public enum FloatParsing {
  /// The value of the bytes `text` (no surrounding spaces), or nil when they are not a number.
  @inline(__always)
  public static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Float? {
    guard let base = text.baseAddress, text.count > 0 else { return nil }
    var value: Float = 0
    return ensemble_parse_float(base, text.count, &value) != 0 ? value : nil
  }
}
