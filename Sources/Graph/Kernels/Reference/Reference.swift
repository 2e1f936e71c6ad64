/// Naive reference kernels: the formulas of `Op`'s payloads written as plain loops over
/// every index, with no BLAS, no im2col, no SIMD and no scratch memory. They are slow on
/// purpose and exist only so that tests can check the fast kernels against them
/// (tinygrad's `ops_python.py` idea). Tensors are channels-last, batch first.
public enum Reference {
  /// `y[r, u] = b[u] + Σᵢ x[r, i]·W[i, u]` over the last axis.
  public static func dense(_ op: Dense, _ x: Tensor) -> Tensor {
    let rows = x.count / op.inputs
    var y = [Float](repeating: 0, count: rows * op.units)
    for r in 0..<rows {
      for u in 0..<op.units {
        var sum = op.bias?[u] ?? 0
        for i in 0..<op.inputs { sum += x.data[r * op.inputs + i] * op.kernel[i * op.units + u] }
        y[r * op.units + u] = sum
      }
    }
    return Tensor(shape: Array(x.shape.dropLast()) + [op.units], data: y)
  }

  /// `C = A·B` (or `A·Bᵀ`) over the last two axes, for every index of the leading ones.
  public static func batchMatMul(_ a: Tensor, _ b: Tensor, transposeB: Bool) -> Tensor {
    let (m, k) = (a.shape[a.shape.count - 2], a.shape[a.shape.count - 1])
    let n = transposeB ? b.shape[b.shape.count - 2] : b.shape[b.shape.count - 1]
    let batches = a.count / (m * k)
    var c = [Float](repeating: 0, count: batches * m * n)
    for batch in 0..<batches {
      for i in 0..<m {
        for j in 0..<n {
          var sum: Float = 0
          for p in 0..<k {
            let bValue = transposeB ? b.data[batch * n * k + j * k + p] : b.data[batch * k * n + p * n + j]
            sum += a.data[batch * m * k + i * k + p] * bValue
          }
          c[batch * m * n + i * n + j] = sum
        }
      }
    }
    return Tensor(shape: Array(a.shape.dropLast()) + [n], data: c)
  }

  /// `y[o…, f] = b[f] + Σ_{a…, ch} x[o·s + a·d − pad, g·in/groups + ch]·W[a…, ch, f]`, where
  /// `g = f / (filters/groups)`: grouped, dilated, strided cross-correlation over 1 to 3 axes.
  public static func convolution(_ op: Convolution, _ x: Tensor) -> Tensor {
    let spatial = Array(x.shape.dropFirst().dropLast())
    let geometry = Geometry(
      spatial: spatial, size: op.size, strides: op.strides, dilation: op.dilation, padding: op.padding)
    let perGroupIn = op.inputs / op.groups, perGroupOut = op.filters / op.groups
    let (batch, outPixels) = (x.shape[0], geometry.output.reduce(1, *))
    var y = [Float](repeating: 0, count: batch * outPixels * op.filters)
    for b in 0..<batch {
      for (outIndex, outPosition) in geometry.outputPositions.enumerated() {
        for f in 0..<op.filters {
          var sum = op.bias?[f] ?? 0
          let group = f / perGroupOut
          for (tapIndex, tap) in geometry.taps.enumerated() {
            guard let pixel = geometry.inputPixel(outPosition, tap) else { continue }
            for ch in 0..<perGroupIn {
              let xValue = x.data[(b * geometry.inputPixels + pixel) * op.inputs + group * perGroupIn + ch]
              sum += xValue * op.kernel[(tapIndex * perGroupIn + ch) * op.filters + f]
            }
          }
          y[(b * outPixels + outIndex) * op.filters + f] = sum
        }
      }
    }
    return Tensor(shape: [batch] + geometry.output + [op.filters], data: y)
  }

  /// The scatter form: every input pixel adds `x[i…, ci]·W[a…, o, ci]` at `i·s + a·d − crop`,
  /// with the crop Keras's `same` padding implies; kernel `(k…, filters, in)`.
  public static func transposedConvolution(_ op: TransposedConvolution, _ x: Tensor) -> Tensor {
    let spatial = Array(x.shape.dropFirst().dropLast())
    let output = spatial.indices.map { axis in
      Window.transposedLength(
        spatial[axis], size: op.size[axis], stride: op.strides[axis], dilation: op.dilation[axis],
        padding: op.padding, outputPadding: op.outputPadding?[axis])!
    }
    let crop = spatial.indices.map { axis -> Int in
      guard op.padding == .same else { return 0 }
      let full = (spatial[axis] - 1) * op.strides[axis] + (op.size[axis] - 1) * op.dilation[axis] + 1
      return max(full - output[axis], 0) / 2
    }
    let batch = x.shape[0], outPixels = output.reduce(1, *), inPixels = spatial.reduce(1, *)
    var y = [Float](repeating: 0, count: batch * outPixels * op.filters)
    for b in 0..<batch {
      for pixel in 0..<outPixels {
        for o in 0..<op.filters { y[(b * outPixels + pixel) * op.filters + o] = op.bias?[o] ?? 0 }
      }
      for (inIndex, inPosition) in positions(spatial).enumerated() {
        for (tapIndex, tap) in positions(op.size).enumerated() {
          let target = inPosition.indices.map { inPosition[$0] * op.strides[$0] + tap[$0] * op.dilation[$0] - crop[$0] }
          guard let outIndex = flatIndex(target, in: output) else { continue }
          for o in 0..<op.filters {
            var sum: Float = 0
            for ci in 0..<op.inputs {
              sum +=
                x.data[(b * inPixels + inIndex) * op.inputs + ci]
                * op.kernel[(tapIndex * op.filters + o) * op.inputs + ci]
            }
            y[(b * outPixels + outIndex) * op.filters + o] += sum
          }
        }
      }
    }
    return Tensor(shape: [batch] + output + [op.filters], data: y)
  }

  /// Max (padding cells ignored) or average (over the valid cells only) of each window.
  public static func pooling(_ op: Pooling, _ x: Tensor) -> Tensor {
    let spatial = Array(x.shape.dropFirst().dropLast())
    let geometry = Geometry(
      spatial: spatial, size: op.size, strides: op.strides, dilation: op.size.map { _ in 1 }, padding: op.padding)
    let (batch, channels, outPixels) = (x.shape[0], x.shape.last!, geometry.output.reduce(1, *))
    var y = [Float](repeating: 0, count: batch * outPixels * channels)
    for b in 0..<batch {
      for (outIndex, outPosition) in geometry.outputPositions.enumerated() {
        for ch in 0..<channels {
          var (best, sum, cells) = (-Float.infinity, Float(0), 0)
          for tap in geometry.taps {
            guard let pixel = geometry.inputPixel(outPosition, tap) else { continue }
            let value = x.data[(b * geometry.inputPixels + pixel) * channels + ch]
            (best, sum, cells) = (max(best, value), sum + value, cells + 1)
          }
          y[(b * outPixels + outIndex) * channels + ch] = op.kind == .max ? best : sum / Float(cells)
        }
      }
    }
    return Tensor(shape: [batch] + geometry.output + [channels], data: y)
  }

  /// Every index of a box of `dims`, in C order.
  static func positions(_ dims: [Int]) -> [[Int]] {
    var result: [[Int]] = [[]]
    for size in dims { result = result.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
    return result
  }

  /// The C-order offset of `position` in a box of `dims`, or nil when it falls outside.
  static func flatIndex(_ position: [Int], in dims: [Int]) -> Int? {
    var index = 0
    for (value, size) in zip(position, dims) {
      guard value >= 0, value < size else { return nil }
      index = index * size + value
    }
    return index
  }

  /// Where a window's taps land, per spatial axis, with Keras's padding.
  struct Geometry {
    let spatial: [Int]
    let output: [Int]
    let strides: [Int]
    let dilation: [Int]
    let before: [Int]
    let taps: [[Int]]
    let outputPositions: [[Int]]
    var inputPixels: Int { spatial.reduce(1, *) }

    init(spatial: [Int], size: [Int], strides: [Int], dilation: [Int], padding: Padding) {
      // Window parameters are given for the last `spatial.count` axes (1D runs as the last axis).
      let (size, strides, dilation) = (
        Array(size.suffix(spatial.count)), Array(strides.suffix(spatial.count)),
        Array(dilation.suffix(spatial.count))
      )
      self.spatial = spatial
      self.strides = strides
      self.dilation = dilation
      output = spatial.indices.map { axis in
        Window.outputLength(
          spatial[axis], size: size[axis], stride: strides[axis], dilation: dilation[axis], padding: padding)!
      }
      before = spatial.indices.map { axis in
        Window.padBefore(
          spatial[axis], size: size[axis], stride: strides[axis], dilation: dilation[axis], padding: padding)
      }
      taps = Reference.positions(size)
      outputPositions = Reference.positions(output)
    }

    /// The flat input pixel a tap of an output position reads, or nil in the padding.
    func inputPixel(_ out: [Int], _ tap: [Int]) -> Int? {
      let position = out.indices.map { out[$0] * strides[$0] + tap[$0] * dilation[$0] - before[$0] }
      return Reference.flatIndex(position, in: spatial)
    }
  }
}
