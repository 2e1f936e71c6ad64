import Foundation

/// Kernels that work along one axis: softmax, per-channel scale and shift, layer norm.
enum Normalization {
  /// Splits `shape` around `axis` into (outer, length, inner) counts.
  static func split(_ shape: [Int], axis: Int) -> (outer: Int, length: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
  }

  /// `y = exp(x − max)/Σexp(x − max)` along the axis, or its log.
  static func softmax(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, shape: [Int], axis: Int, log: Bool
  ) {
    let (outer, length, inner) = split(shape, axis: axis)
    for o in 0..<outer {
      for i in 0..<inner {
        let base = o * length * inner + i
        var peak = -Float.infinity
        for l in 0..<length { peak = max(peak, x[base + l * inner]) }
        var total: Float = 0
        for l in 0..<length {
          let e = Foundation.exp(x[base + l * inner] - peak)
          y[base + l * inner] = e
          total += e
        }
        if log {
          let logTotal = Foundation.log(total)
          for l in 0..<length { y[base + l * inner] = x[base + l * inner] - peak - logTotal }
        } else {
          for l in 0..<length { y[base + l * inner] /= total }
        }
      }
    }
  }

  /// `y = x·scale[c] + shift[c]` with c the index along the axis.
  static func scaleShift(
    _ op: ScaleShift, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, shape: [Int], axis: Int
  ) {
    if op.scale.count == 1 {
      let (a, b) = (op.scale[0], op.shift[0])
      for i in 0..<shape.reduce(1, *) { y[i] = x[i] * a + b }
      return
    }
    let (outer, length, inner) = split(shape, axis: axis)
    op.scale.withUnsafeBufferPointer { scale in
      op.shift.withUnsafeBufferPointer { shift in
        let (a, b) = (scale.baseAddress!, shift.baseAddress!)
        if inner == 1 {
          for o in 0..<outer {
            let (source, target) = (x + o * length, y + o * length)
            for l in 0..<length { target[l] = source[l] * a[l] + b[l] }
          }
          return
        }
        for o in 0..<outer {
          for l in 0..<length {
            let base = (o * length + l) * inner
            let (scaleValue, shiftValue) = (a[l], b[l])
            for i in 0..<inner { y[base + i] = x[base + i] * scaleValue + shiftValue }
          }
        }
      }
    }
  }

  /// Normalisation over the trailing `op.axes` dimensions by `op.statistic`, the sums in
  /// double precision.
  static func layerNorm(
    _ op: LayerNorm, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, shape: [Int]
  ) {
    if case .grouped(let groups) = op.statistic {
      groupNorm(op, groups: groups, x, y, shape: shape)
      return
    }
    let size = shape.suffix(op.axes).reduce(1, *)
    let rows = shape.reduce(1, *) / max(size, 1)
    for r in 0..<rows {
      let row = x + r * size, out = y + r * size
      var (mean, squares): (Double, Double) = (0, 0)
      for i in 0..<size { (mean, squares) = (mean + Double(row[i]), squares + Double(row[i]) * Double(row[i])) }
      mean /= Double(size)
      var variance: Double = 0
      for i in 0..<size { variance += (Double(row[i]) - mean) * (Double(row[i]) - mean) }
      variance /= Double(size)
      let epsilon = Double(op.epsilon)
      let (centre, inverse): (Float, Float)
      switch op.statistic {
      case .standard: (centre, inverse) = (Float(mean), Float(1 / (variance + epsilon).squareRoot()))
      case .varianceScaling: (centre, inverse) = (0, Float(1 / (variance + epsilon).squareRoot()))
      case .rootMeanSquare: (centre, inverse) = (0, Float(1 / (squares / Double(size) + epsilon).squareRoot()))
      case .unit(let bound): (centre, inverse) = (0, min(Float(1 / squares.squareRoot()), bound))
      case .grouped: preconditionFailure("GroupNormalization runs in groupNorm")
      }
      for i in 0..<size {
        var value = (row[i] - centre) * inverse
        if let gamma = op.gamma { value *= gamma[i] }
        if let beta = op.beta { value += beta[i] }
        out[i] = value
      }
    }
  }

  /// GroupNormalization of each sample: the channels (last axis) in `groups` runs, each run's
  /// mean and biased variance over all its positions, `gamma`/`beta` per channel.
  private static func groupNorm(
    _ op: LayerNorm, groups: Int, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, shape: [Int]
  ) {
    let channels = shape.last ?? 1, width = channels / groups
    let size = shape.dropFirst().reduce(1, *), positions = size / max(channels, 1)
    for sample in 0..<(shape.first ?? 0) {
      let row = x + sample * size, out = y + sample * size
      for g in 0..<groups {
        var (sum, squares): (Double, Double) = (0, 0)
        for p in 0..<positions {
          for c in (g * width)..<((g + 1) * width) { sum += Double(row[p * channels + c]) }
        }
        let mean = sum / Double(positions * width)
        for p in 0..<positions {
          for c in (g * width)..<((g + 1) * width) {
            let d = Double(row[p * channels + c]) - mean
            squares += d * d
          }
        }
        let inverse = 1 / (squares / Double(positions * width) + Double(op.epsilon)).squareRoot()
        for p in 0..<positions {
          for c in (g * width)..<((g + 1) * width) {
            var value = Float((Double(row[p * channels + c]) - mean) * inverse)
            if let gamma = op.gamma { value *= gamma[c] }
            if let beta = op.beta { value += beta[c] }
            out[p * channels + c] = value
          }
        }
      }
    }
  }
}
