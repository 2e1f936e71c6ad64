/// Kernels over the time axis: masks, masked averages, reversal.
enum SequenceKernel {
  /// A `(batch, time)` mask of 1s and 0s.
  static func mask(_ source: MaskSource, _ x: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>) {
    let rows = shape[0] * shape[1]
    switch source {
    case .nonZeroIds:
      for i in 0..<rows { y[i] = x[i] != 0 ? 1 : 0 }
    case .notAllEqual(let value):
      let width = shape.dropFirst(2).reduce(1, *)
      for i in 0..<rows {
        var keep: Float = 0
        for j in 0..<width where x[i * width + j] != value { keep = 1; break }
        y[i] = keep
      }
    }
  }

  /// `Σₜ x·m / Σₜ m` per sample and feature.
  static func maskedAverage(
    _ x: UnsafePointer<Float>, _ mask: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>
  ) {
    let (n, steps, f) = (shape[0], shape[1], shape[2])
    for b in 0..<n {
      let out = y + b * f
      out.update(repeating: 0, count: f)
      var total: Float = 0
      for t in 0..<steps {
        let m = mask[b * steps + t]
        total += m
        if m != 0 { for j in 0..<f { out[j] += x[(b * steps + t) * f + j] * m } }
      }
      for j in 0..<f { out[j] /= total }
    }
  }

  /// Reverses axis 1.
  static func reverseTime(_ x: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>) {
    let (n, steps) = (shape[0], shape[1])
    let width = shape.dropFirst(2).reduce(1, *)
    for b in 0..<n {
      for t in 0..<steps {
        (y + (b * steps + t) * width).update(from: x + (b * steps + steps - 1 - t) * width, count: width)
      }
    }
  }

  /// Each `(Tq, Tv)` matrix with the entries above its diagonal (`j > i`) set to −1e9.
  static func causalMask(_ x: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>) {
    let (rows, columns) = (shape[shape.count - 2], shape[shape.count - 1])
    let matrices = shape.reduce(1, *) / max(rows * columns, 1)
    for m in 0..<matrices {
      for i in 0..<rows {
        let base = (m * rows + i) * columns
        for j in 0..<columns { y[base + j] = j > i ? -1e9 : x[base + j] }
      }
    }
  }

  /// Scores `(batch, [heads,] Tq, Tv)` kept where `allow` `(batch, Tq or 1, Tv or 1)` is
  /// non-zero, else −1e9.
  static func maskScores(
    _ x: UnsafePointer<Float>, shape: [Int], _ allow: UnsafePointer<Float>, allowShape: [Int],
    _ y: UnsafeMutablePointer<Float>
  ) {
    let (rows, columns) = (shape[shape.count - 2], shape[shape.count - 1])
    let (allowRows, allowColumns) = (allowShape[1], allowShape[2])
    let planes = shape.dropFirst().dropLast(2).reduce(1, *)
    var (source, target) = (x, y)
    for b in 0..<shape[0] {
      let plane = allow + b * allowRows * allowColumns
      for _ in 0..<planes {
        for i in 0..<rows {
          let row = plane + (allowRows == 1 ? 0 : i) * allowColumns
          for j in 0..<columns { target[j] = row[allowColumns == 1 ? 0 : j] != 0 ? source[j] : -1e9 }
          (source, target) = (source + columns, target + columns)
        }
      }
    }
  }
}
