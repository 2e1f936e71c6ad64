import CTextCodec

/// Float32 to text: the shortest digits that read back as the same Float, spelled as Swift's
/// `Float.description` spells them (`0.1`, `1.0`, `1e-05`, `1.6777218e+07`), or with
/// `precision` significant digits (`%.*g`). The method is in `Sources/CTextCodec/format_float.c`.
public enum FloatFormatting {
  /// The most bytes `write` takes.
  public static let maximumLength = Int(ENSEMBLE_FLOAT_TEXT_MAX)

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
    ensemble_format_float(value, Int32(precision ?? -1), out)
  }

  /// `rows` lines of `width` values from `values`, separated by `delimiter`, written at `out`
  /// (room for `rows × (width × (maximumLength + 1) + 1)` bytes); returns the bytes written.
  @inline(__always)
  public static func writeRows(
    _ values: UnsafePointer<Float>, rows: Int, width: Int, delimiter: UInt8, precision: Int?,
    to out: UnsafeMutablePointer<UInt8>
  ) -> Int {
    ensemble_format_rows(values, rows, width, delimiter, Int32(precision ?? -1), out)
  }
}
