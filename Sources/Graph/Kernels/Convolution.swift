/// Convolution kernels on channels-last buffers, 1D running as 2D with height 1.
enum ConvolutionKernel {
  /// Concrete `(batch, height, width, channels)` of a 3- or 4-dimensional shape.
  static func dims4(_ shape: [Int]) -> (n: Int, h: Int, w: Int, c: Int) {
    shape.count == 3 ? (shape[0], 1, shape[1], shape[2]) : (shape[0], shape[1], shape[2], shape[3])
  }

  /// The last two entries of a window parameter (1D stores `[1, k]`).
  static func pair(_ values: [Int]) -> (Int, Int) { values.count == 1 ? (1, values[0]) : (values[0], values[1]) }

  /// Rows of output pixels done per im2col block, to bound scratch memory.
  static let blockRows = 1024

  /// `y = conv(x) + bias` by im2col and one sgemm per block of output pixels and group. A
  /// depthwise convolution (one input channel per group) runs as direct loops instead.
  static func run(
    _ op: Convolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int]
  ) {
    let (n, h, w, c) = dims4(inShape)
    let (_, oh, ow, f) = dims4(outShape)
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    let padTop = inShape.count == 3 ? 0 : Window.padBefore(h, size: kh, stride: sh, dilation: dh, padding: op.padding)
    let padLeft = Window.padBefore(w, size: kw, stride: sw, dilation: dw, padding: op.padding)
    let cg = c / op.groups, fg = f / op.groups
    let rows = n * oh * ow
    if cg == 1, op.groups == c {
      depthwise(op, x, (n, h, w, c), y, (oh, ow, f), pad: (padTop, padLeft))
    } else if kh == 1, kw == 1, sh == 1, sw == 1, op.groups == 1, padTop == 0, padLeft == 0 {
      op.kernel.withUnsafeBufferPointer { k in
        MatMul.gemm(x, lda: c, k.baseAddress!, ldb: f, y, ldc: f, m: rows, k: c, n: f, accumulate: false)
      }
    } else {
      let depth = kh * kw * cg
      let block = min(blockRows, rows)
      let columns = UnsafeMutablePointer<Float>.allocate(capacity: block * depth)
      defer { columns.deallocate() }
      op.kernel.withUnsafeBufferPointer { k in
        for g in 0..<op.groups {
          var start = 0
          while start < rows {
            let count = min(block, rows - start)
            for r in 0..<count {
              let pixel = start + r
              let b = pixel / (oh * ow), oy = (pixel / ow) % oh, ox = pixel % ow
              var column = columns + r * depth
              for a in 0..<kh {
                let iy = oy * sh + a * dh - padTop
                for q in 0..<kw {
                  let ix = ox * sw + q * dw - padLeft
                  if iy >= 0, iy < h, ix >= 0, ix < w {
                    column.update(from: x + ((b * h + iy) * w + ix) * c + g * cg, count: cg)
                  } else {
                    column.update(repeating: 0, count: cg)
                  }
                  column += cg
                }
              }
            }
            MatMul.gemm(
              columns, lda: depth, k.baseAddress! + g * fg, ldb: f, y + start * f + g * fg, ldc: f, m: count, k: depth,
              n: fg, accumulate: false)
            start += count
          }
        }
      }
    }
    if let bias = op.bias {
      for pixel in 0..<rows { for o in 0..<f { y[pixel * f + o] += bias[o] } }
    }
  }

  /// Depthwise: output channel `ch·dm + m` is input channel ch convolved with `W[:, :, 0, ch·dm + m]`.
  private static func depthwise(
    _ op: Convolution, _ x: UnsafePointer<Float>, _ inDims: (n: Int, h: Int, w: Int, c: Int),
    _ y: UnsafeMutablePointer<Float>,
    _ outDims: (h: Int, w: Int, f: Int), pad: (Int, Int)
  ) {
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    let (n, h, w, c) = inDims, (oh, ow, f) = outDims
    let multiplier = f / c
    op.kernel.withUnsafeBufferPointer { k in
      for b in 0..<n {
        for oy in 0..<oh {
          for ox in 0..<ow {
            let out = y + ((b * oh + oy) * ow + ox) * f
            out.update(repeating: 0, count: f)
            for a in 0..<kh {
              let iy = oy * sh + a * dh - pad.0
              guard iy >= 0, iy < h else { continue }
              for q in 0..<kw {
                let ix = ox * sw + q * dw - pad.1
                guard ix >= 0, ix < w else { continue }
                let pixel = x + ((b * h + iy) * w + ix) * c
                let weights = k.baseAddress! + (a * kw + q) * f
                for ch in 0..<c {
                  let value = pixel[ch]
                  for m in 0..<multiplier { out[ch * multiplier + m] += value * weights[ch * multiplier + m] }
                }
              }
            }
          }
        }
      }
    }
  }

  /// Transposed convolution: one sgemm `x·Wᵀ` gives every input pixel's contribution
  /// `(kh·kw·filters)`, scattered into a full-size buffer, then cropped and biased.
  static func transposed(
    _ op: TransposedConvolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>,
    outShape: [Int]
  ) {
    let (n, h, w, c) = dims4(inShape)
    let (_, oh, ow, f) = dims4(outShape)
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    func crop(_ n: Int, _ out: Int, _ k: Int, _ s: Int, _ d: Int) -> Int {
      op.padding == .same ? max((n - 1) * s + (k - 1) * d + 1 - out, 0) / 2 : 0
    }
    let top = inShape.count == 3 ? 0 : crop(h, oh, kh, sh, dh), left = crop(w, ow, kw, sw, dw)
    let contributions = UnsafeMutablePointer<Float>.allocate(capacity: h * w * kh * kw * f)
    defer { contributions.deallocate() }
    y.update(repeating: 0, count: n * oh * ow * f)
    op.kernel.withUnsafeBufferPointer { k in
      for b in 0..<n {
        MatMul.gemm(
          x + b * h * w * c, lda: c, k.baseAddress!, ldb: c, contributions, ldc: kh * kw * f, m: h * w, k: c,
          n: kh * kw * f, accumulate: false, transposeB: true)
        for iy in 0..<h {
          for ix in 0..<w {
            let source = contributions + (iy * w + ix) * kh * kw * f
            for a in 0..<kh {
              let oy = iy * sh + a * dh - top
              guard oy >= 0, oy < oh else { continue }
              for q in 0..<kw {
                let ox = ix * sw + q * dw - left
                guard ox >= 0, ox < ow else { continue }
                let target = y + ((b * oh + oy) * ow + ox) * f
                let part = source + (a * kw + q) * f
                for o in 0..<f { target[o] += part[o] }
              }
            }
          }
        }
      }
    }
    if let bias = op.bias {
      for pixel in 0..<(n * oh * ow) { for o in 0..<f { y[pixel * f + o] += bias[o] } }
    }
  }
}
