import CBLAS

/// The only file that calls BLAS: the matrix products of Dense, convolutions (im2col),
/// recurrent layers and attention, and the double-precision one of the stacking fits.
public enum MatMul {
  /// BLAS runs on one thread: the executor already keeps every core busy with its own batch,
  /// and OpenBLAS's threads would only spin waiting for each other (measured: ~30% of a CNN
  /// run spent in sched_yield). Its worker threads, started when the library loads, are
  /// stopped too: they spun for the first 0.1 s of every run, a quarter of the CPU time of
  /// reading a 60 MB CSV.
  static let singleThreaded: Void = {
    openblas_set_num_threads(1)
    blas_thread_shutdown_()
  }()

  /// Stops BLAS's threads now (the first call of a process).
  public static func runOnOneThread() { singleThreaded }

  /// `C[m×n] = A[m×k]·B[k×n] (+ C when accumulate)`, all row-major.
  static func multiply(
    _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    m: Int, k: Int, n: Int, accumulate: Bool = false, transposeB: Bool = false
  ) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
      if !accumulate { c.update(repeating: 0, count: m * n) }
      return
    }
    singleThreaded
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(transposeB ? k : n),
      accumulate ? 1 : 0, c, Int32(n))
  }

  /// The general row-major product with explicit leading dimensions:
  /// `C[m×n] = A[m×k]·B (+ C)`, B being `[k×n]` (or `[n×k]` when `transposeB`).
  static func gemm(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, _ c: UnsafeMutablePointer<Float>,
    ldc: Int, m: Int, k: Int, n: Int, accumulate: Bool, transposeB: Bool = false
  ) {
    guard m > 0, n > 0, k > 0 else { return }
    singleThreaded
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
      a, Int32(lda), b, Int32(ldb), accumulate ? 1 : 0, c, Int32(ldc))
  }

  /// The double-precision product for the fitting in `Learn` (stacking heads):
  /// `C[m×n] = op(A)·B`, row-major, `op(A)` being `A[m×k]` or, when `transposeA`, `Aᵀ` of `A[k×m]`.
  public static func product(
    _ a: [Double], _ b: [Double], m: Int, k: Int, n: Int, transposeA: Bool = false
  ) -> [Double] {
    a.withUnsafeBufferPointer { product($0.baseAddress!, b, m: m, k: k, n: n, transposeA: transposeA) }
  }

  /// `product` on A given by its first element, for a block of rows of a larger matrix.
  public static func product(
    _ a: UnsafePointer<Double>, _ b: [Double], m: Int, k: Int, n: Int, transposeA: Bool = false
  ) -> [Double] {
    var c = [Double](repeating: 0, count: m * n)
    guard m > 0, n > 0, k > 0 else { return c }
    singleThreaded
    cblas_dgemm(
      CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a,
      Int32(transposeA ? m : k), b, Int32(n), 0, &c, Int32(n))
    return c
  }

  /// `C = A·B` (or `A·Bᵀ`) over the last two axes for every index of the leading axes.
  static func batched(
    _ a: UnsafePointer<Float>, aShape: [Int], _ b: UnsafePointer<Float>, bShape: [Int],
    _ c: UnsafeMutablePointer<Float>,
    transposeB: Bool
  ) {
    let (m, k) = (aShape[aShape.count - 2], aShape[aShape.count - 1])
    let n = transposeB ? bShape[bShape.count - 2] : bShape[bShape.count - 1]
    let batches = aShape.dropLast(2).reduce(1, *)
    for index in 0..<batches {
      gemm(
        a + index * m * k, lda: k, b + index * k * n, ldb: transposeB ? k : n, c + index * m * n, ldc: n, m: m, k: k,
        n: n, accumulate: false, transposeB: transposeB)
    }
  }

  /// `y = x·kernel + bias` for every row of x, by XNNPACK (`PackedOperator`, the node's
  /// operator `slot`) or, where it refuses or `packed` is false, the bias copied into each
  /// output row and one sgemm over the whole batch accumulating onto it.
  static func dense(
    _ op: Dense, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, rows: Int, scratch: Scratch,
    slot: Int = 0, packed: Bool = true
  ) {
    if packed, scratch.packed(slot: slot, { PackedOperator(op) }).run(x, y, n: rows, channels: op.inputs) { return }
    defer { if let clamp = op.clamp { Elementwise.clamp(y, count: rows * op.units, clamp) } }
    if let bias = op.bias {
      bias.withUnsafeBufferPointer { b in
        for row in 0..<rows { (y + row * op.units).update(from: b.baseAddress!, count: op.units) }
      }
    }
    op.kernel.withUnsafeBufferPointer { w in
      multiply(x, w.baseAddress!, y, m: rows, k: op.inputs, n: op.units, accumulate: op.bias != nil)
    }
  }
}
