/// Kernels over 3 spatial axes, `(batch, depth, height, width, channels)`: Conv3D by im2col
/// and sgemm, Conv3DTranspose by sgemm and scatter, and 3D max/average pooling. Written apart from the 1D/2D kernels, which stay
/// specialised for the common shapes.
enum VolumeKernel {
  /// The spatial extent and window geometry, per axis.
  private struct Axes {
    let input: [Int], output: [Int], size: [Int], strides: [Int], dilation: [Int], pad: [Int]

    init(_ inShape: [Int], _ outShape: [Int], size: [Int], strides: [Int], dilation: [Int], padding: Padding) {
      input = Array(inShape[1...3])
      output = Array(outShape[1...3])
      (self.size, self.strides, self.dilation) = (size, strides, dilation)
      pad = (0..<3).map {
        Window.padBefore(inShape[$0 + 1], size: size[$0], stride: strides[$0], dilation: dilation[$0], padding: padding)
      }
    }

    /// The input position of output position `o` at tap `t` along axis `axis`, or nil outside.
    func source(_ axis: Int, _ o: Int, _ t: Int) -> Int? {
      let i = o * strides[axis] + t * dilation[axis] - pad[axis]
      return i >= 0 && i < input[axis] ? i : nil
    }
  }

  static func convolution(
    _ op: Convolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int],
    scratch: Scratch
  ) {
    let axes = Axes(inShape, outShape, size: op.size, strides: op.strides, dilation: op.dilation, padding: op.padding)
    let (n, c, f) = (inShape[0], inShape[4], op.filters)
    let cg = c / op.groups, fg = f / op.groups
    let voxels = axes.output.reduce(1, *)
    let taps = op.size.reduce(1, *)
    let depth = taps * cg
    ConvolutionKernel.fillBias(op.bias, y, pixels: n * voxels, channels: f)
    let columns = scratch.buffer(0, voxels * depth)
    op.kernel.withUnsafeBufferPointer { k in
      for b in 0..<n {
        for g in 0..<op.groups {
          var column = columns
          for v in 0..<voxels {
            let (od, oy, ox) = (
              v / (axes.output[1] * axes.output[2]), (v / axes.output[2]) % axes.output[1], v % axes.output[2]
            )
            for t in 0..<taps {
              let (td, ty, tx) = (t / (op.size[1] * op.size[2]), (t / op.size[2]) % op.size[1], t % op.size[2])
              if let id = axes.source(0, od, td), let iy = axes.source(1, oy, ty), let ix = axes.source(2, ox, tx) {
                let source = x + (((b * axes.input[0] + id) * axes.input[1] + iy) * axes.input[2] + ix) * c + g * cg
                for j in 0..<cg { column[j] = source[j] }
              } else {
                for j in 0..<cg { column[j] = 0 }
              }
              column += cg
            }
          }
          MatMul.gemm(
            columns, lda: depth, k.baseAddress! + g * fg, ldb: f, y + b * voxels * f + g * fg, ldc: f, m: voxels,
            k: depth, n: fg, accumulate: true)
        }
      }
    }
  }

  static func pooling(
    _ op: Pooling, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int]
  ) {
    let axes = Axes(inShape, outShape, size: op.size, strides: op.strides, dilation: [1, 1, 1], padding: op.padding)
    let (n, c) = (inShape[0], inShape[4])
    let voxels = axes.output.reduce(1, *), taps = op.size.reduce(1, *)
    for b in 0..<n {
      for v in 0..<voxels {
        let (od, oy, ox) = (
          v / (axes.output[1] * axes.output[2]), (v / axes.output[2]) % axes.output[1], v % axes.output[2]
        )
        let out = y + (b * voxels + v) * c
        out.update(repeating: op.kind == .max ? -.infinity : 0, count: c)
        var cells = 0
        for t in 0..<taps {
          let (td, ty, tx) = (t / (op.size[1] * op.size[2]), (t / op.size[2]) % op.size[1], t % op.size[2])
          guard let id = axes.source(0, od, td), let iy = axes.source(1, oy, ty), let ix = axes.source(2, ox, tx) else {
            continue
          }
          cells += 1
          let source = x + (((b * axes.input[0] + id) * axes.input[1] + iy) * axes.input[2] + ix) * c
          for ch in 0..<c { out[ch] = op.kind == .max ? max(out[ch], source[ch]) : out[ch] + source[ch] }
        }
        if op.kind == .average, cells > 0 { for ch in 0..<c { out[ch] /= Float(cells) } }
      }
    }
  }

  /// Conv3DTranspose: one sgemm `x·Wᵀ` per sample gives every input voxel's contribution
  /// `(taps·filters)`, each tap added at output `i·s + t·d − crop` per axis where that lies
  /// inside, onto the bias-filled output (crop: half the excess of the full length with "same").
  static func transposed(
    _ op: TransposedConvolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>,
    outShape: [Int], scratch: Scratch
  ) {
    let (n, c, f) = (inShape[0], inShape[4], op.filters)
    let input = Array(inShape[1...3]), output = Array(outShape[1...3])
    let crop = (0..<3).map { axis -> Int in
      guard op.padding == .same else { return 0 }
      let full: Int = (input[axis] - 1) * op.strides[axis] + (op.size[axis] - 1) * op.dilation[axis] + 1
      return max(full - output[axis], 0) / 2
    }
    let voxels = input.reduce(1, *), outVoxels = output.reduce(1, *), taps = op.size.reduce(1, *)
    let contributions = scratch.buffer(0, voxels * taps * f)
    ConvolutionKernel.fillBias(op.bias, y, pixels: n * outVoxels, channels: f)
    op.kernel.withUnsafeBufferPointer { k in
      for b in 0..<n {
        MatMul.gemm(
          x + b * voxels * c, lda: c, k.baseAddress!, ldb: c, contributions, ldc: taps * f, m: voxels, k: c,
          n: taps * f, accumulate: false, transposeB: true)
        for v in 0..<voxels {
          let at = [v / (input[1] * input[2]), (v / input[2]) % input[1], v % input[2]]
          for t in 0..<taps {
            let tap = [t / (op.size[1] * op.size[2]), (t / op.size[2]) % op.size[1], t % op.size[2]]
            let o = (0..<3).map { axis -> Int in
              at[axis] * op.strides[axis] + tap[axis] * op.dilation[axis] - crop[axis]
            }
            guard (0..<3).allSatisfy({ o[$0] >= 0 && o[$0] < output[$0] }) else { continue }
            let target = y + (b * outVoxels + (o[0] * output[1] + o[1]) * output[2] + o[2]) * f
            let part = contributions + (v * taps + t) * f
            for j in 0..<f { target[j] += part[j] }
          }
        }
      }
    }
  }
}
