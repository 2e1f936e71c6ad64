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

  /// Fills every output pixel with the bias (or zeros), so GEMMs can accumulate onto it.
  static func fillBias(_ bias: [Float]?, _ y: UnsafeMutablePointer<Float>, pixels: Int, channels: Int) {
    guard let bias else {
      y.update(repeating: 0, count: pixels * channels)
      return
    }
    bias.withUnsafeBufferPointer { b in
      for pixel in 0..<pixels { (y + pixel * channels).update(from: b.baseAddress!, count: channels) }
    }
  }

  /// `y = conv(x) + bias` over 1 to 3 spatial axes; `slot` numbers the node's packed operator
  /// (a node running two convolutions keeps one for each).
  static func convolve(
    _ op: Convolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int],
    scratch: Scratch, slot: Int = 0
  ) {
    guard inShape.count < 5 else {
      VolumeKernel.convolution(op, x, inShape: inShape, y, outShape: outShape, scratch: scratch)
      return
    }
    run(op, x, inShape: inShape, y, outShape: outShape, scratch: scratch, slot: slot)
  }

  /// `y = conv(x) + bias` by XNNPACK (`PackedOperator`), or where it refuses (or when
  /// `packed` is false, for the tests of this path) by im2col and one sgemm per block of
  /// output pixels and group; a depthwise convolution then runs as direct loops.
  static func run(
    _ op: Convolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int],
    scratch: Scratch, packed: Bool = true, slot: Int = 0
  ) {
    let (n, h, w, c) = dims4(inShape)
    if packed,
      scratch.packed(slot: slot, h: h, w: w, { PackedOperator(op, h: h, w: w) }).run(
        x, y, n: n, h: h, w: w, channels: c)
    {
      return
    }
    defer { if let clamp = op.clamp { Elementwise.clamp(y, count: n * outShape.dropFirst().reduce(1, *), clamp) } }
    let (_, oh, ow, f) = dims4(outShape)
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    let padTop = inShape.count == 3 ? 0 : Window.padBefore(h, size: kh, stride: sh, dilation: dh, padding: op.padding)
    let padLeft = Window.padBefore(w, size: kw, stride: sw, dilation: dw, padding: op.padding)
    let cg = c / op.groups, fg = f / op.groups
    let rows = n * oh * ow
    fillBias(op.bias, y, pixels: rows, channels: f)
    if cg == 1, op.groups == c, c > 1 {
      depthwise(op, x, (n, h, w, c), y, (oh, ow, f), pad: (padTop, padLeft))
      return
    }
    op.kernel.withUnsafeBufferPointer { k in
      if kh == 1, kw == 1, sh == 1, sw == 1, op.groups == 1, padTop == 0, padLeft == 0 {
        MatMul.gemm(x, lda: c, k.baseAddress!, ldb: f, y, ldc: f, m: rows, k: c, n: f, accumulate: true)
        return
      }
      let depth = kh * kw * cg
      let contiguousRows = op.groups == 1 && dw == 1
      let block = min(blockRows, rows)
      let columns = scratch.buffer(0, block * depth)
      for g in 0..<op.groups {
        var start = 0
        while start < rows {
          let count = min(block, rows - start)
          var (b, oy, ox) = (start / (oh * ow), (start / ow) % oh, start % ow)
          var column = columns
          for _ in 0..<count {
            let ix0 = ox * sw - padLeft
            let spanInside = contiguousRows && ix0 >= 0 && ix0 + kw <= w
            for a in 0..<kh {
              let iy = oy * sh + a * dh - padTop
              let rowInside = iy >= 0 && iy < h
              let rowBase = x + (b * h + iy) * w * c + g * cg
              if spanInside && rowInside {
                // One kernel row's taps are adjacent pixels: one contiguous run of kw·c values.
                let source = rowBase + ix0 * c
                for j in 0..<(kw * cg) { column[j] = source[j] }
                column += kw * cg
                continue
              }
              for q in 0..<kw {
                let ix = ox * sw + q * dw - padLeft
                if rowInside && ix >= 0 && ix < w {
                  let source = rowBase + ix * c
                  for j in 0..<cg { column[j] = source[j] }
                } else {
                  for j in 0..<cg { column[j] = 0 }
                }
                column += cg
              }
            }
            ox += 1
            if ox == ow { (ox, oy) = (0, oy + 1) }
            if oy == oh { (oy, b) = (0, b + 1) }
          }
          MatMul.gemm(
            columns, lda: depth, k.baseAddress! + g * fg, ldb: f, y + start * f + g * fg, ldc: f, m: count, k: depth,
            n: fg, accumulate: true)
          start += count
        }
      }
    }
  }

  /// Depthwise: output channel `ch·dm + m` is input channel ch convolved with `W[:, :, 0, ch·dm + m]`,
  /// accumulated onto the bias already in `y`. Each output pixel's channels stay in SIMD
  /// registers across all its taps, so the output is read and written once; interior pixels
  /// share one precomputed list of tap offsets.
  @inline(never)
  private static func depthwise(
    _ op: Convolution, _ x: UnsafePointer<Float>, _ inDims: (n: Int, h: Int, w: Int, c: Int),
    _ y: UnsafeMutablePointer<Float>,
    _ outDims: (h: Int, w: Int, f: Int), pad: (Int, Int)
  ) {
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    let (n, h, w, c) = inDims, (oh, ow, f) = outDims
    let taps = kh * kw
    let inputOffsets = UnsafeMutablePointer<Int>.allocate(capacity: taps)
    let weightOffsets = UnsafeMutablePointer<Int>.allocate(capacity: taps)
    let interiorOffsets = UnsafeMutablePointer<Int>.allocate(capacity: taps)
    defer { [inputOffsets, weightOffsets, interiorOffsets].forEach { $0.deallocate() } }
    for a in 0..<kh { for q in 0..<kw { interiorOffsets[a * kw + q] = (a * dh * w + q * dw) * c } }
    op.kernel.withUnsafeBufferPointer { k in
      let kernel = k.baseAddress!
      for b in 0..<n {
        for oy in 0..<oh {
          let iy0 = oy * sh - pad.0
          let rowInterior = iy0 >= 0 && iy0 + (kh - 1) * dh < h
          // Columns whose every tap is inside the image: [low, high).
          let low = min(ow, (pad.1 + sw - 1) / sw)
          let high = max(low, min(ow, (w - 1 - (kw - 1) * dw + pad.1) / sw + 1))
          let streamed = rowInterior && f == c && high > low
          if streamed {
            streamRow(
              y + ((b * oh + oy) * ow) * f, x + (b * h + iy0) * w * c, kernel, columns: low..<high,
              geometry: (kh, kw, sw, dh, dw, pad.1, w, c))
          }
          for ox in 0..<ow where !(streamed && ox >= low && ox < high) {
            let ix0 = ox * sw - pad.1
            var count = 0
            if rowInterior && ix0 >= 0 && ix0 + (kw - 1) * dw < w {
              let base = ((b * h + iy0) * w + ix0) * c
              for t in 0..<taps {
                inputOffsets[t] = base + interiorOffsets[t]
                weightOffsets[t] = t * f
              }
              count = taps
            } else {
              for a in 0..<kh {
                let iy = iy0 + a * dh
                guard iy >= 0, iy < h else { continue }
                for q in 0..<kw {
                  let ix = ix0 + q * dw
                  guard ix >= 0, ix < w else { continue }
                  inputOffsets[count] = ((b * h + iy) * w + ix) * c
                  weightOffsets[count] = (a * kw + q) * f
                  count += 1
                }
              }
            }
            accumulate(
              into: y + ((b * oh + oy) * ow + ox) * f, x, inputOffsets, kernel, weightOffsets, taps: count,
              channels: c, multiplier: f / c)
          }
        }
      }
    }
  }

  /// Depthwise (multiplier 1) over the interior `columns` of one output row: tap by tap, the
  /// tap's weights held in registers while the row streams past, 8 channels at a time.
  @inline(__always)
  private static func streamRow(
    _ out: UnsafeMutablePointer<Float>, _ rows: UnsafePointer<Float>, _ kernel: UnsafePointer<Float>,
    columns: Range<Int>, geometry: (kh: Int, kw: Int, sw: Int, dh: Int, dw: Int, left: Int, w: Int, c: Int)
  ) {
    let (kh, kw, sw, dh, dw, left, w, c) = geometry
    for a in 0..<kh {
      let row = rows + a * dh * w * c
      for q in 0..<kw {
        let weights = kernel + (a * kw + q) * c
        let first = row + (columns.lowerBound * sw - left + q * dw) * c
        var ch = 0
        while ch + 8 <= c {
          let weight = UnsafeRawPointer(weights + ch).loadUnaligned(as: SIMD8<Float>.self)
          var source = first + ch, target = out + columns.lowerBound * c + ch
          for _ in columns {
            let sum =
              UnsafeRawPointer(target).loadUnaligned(as: SIMD8<Float>.self)
              + UnsafeRawPointer(source).loadUnaligned(as: SIMD8<Float>.self) * weight
            UnsafeMutableRawPointer(target).storeBytes(of: sum, as: SIMD8<Float>.self)
            source += sw * c
            target += c
          }
          ch += 8
        }
        while ch < c {
          let weight = weights[ch]
          var source = first + ch, target = out + columns.lowerBound * c + ch
          for _ in columns {
            target.pointee += source.pointee * weight
            source += sw * c
            target += c
          }
          ch += 1
        }
      }
    }
  }

  /// `out[ch·m + j] += Σ_taps x[input + ch]·W[weight + ch·m + j]` for one output pixel.
  @inline(__always)
  private static func accumulate(
    into out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ inputs: UnsafePointer<Int>,
    _ kernel: UnsafePointer<Float>, _ weights: UnsafePointer<Int>, taps: Int, channels c: Int, multiplier: Int
  ) {
    guard multiplier == 1 else {
      for t in 0..<taps {
        for ch in 0..<c {
          let value = x[inputs[t] + ch]
          for m in 0..<multiplier { out[ch * multiplier + m] += value * kernel[weights[t] + ch * multiplier + m] }
        }
      }
      return
    }
    var ch = 0
    while ch + 8 <= c {
      var sum = UnsafeRawPointer(out + ch).loadUnaligned(as: SIMD8<Float>.self)
      for t in 0..<taps {
        let value = UnsafeRawPointer(x + inputs[t] + ch).loadUnaligned(as: SIMD8<Float>.self)
        let weight = UnsafeRawPointer(kernel + weights[t] + ch).loadUnaligned(as: SIMD8<Float>.self)
        sum += value * weight
      }
      UnsafeMutableRawPointer(out + ch).storeBytes(of: sum, as: SIMD8<Float>.self)
      ch += 8
    }
    while ch < c {
      var sum = out[ch]
      for t in 0..<taps { sum += x[inputs[t] + ch] * kernel[weights[t] + ch] }
      out[ch] = sum
      ch += 1
    }
  }

  /// Transposed convolution: one sgemm `x·Wᵀ` gives every input pixel's contribution
  /// `(kh·kw·filters)`, scattered onto the bias-filled output, cropped to the Keras length.
  static func transposed(
    _ op: TransposedConvolution, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>,
    outShape: [Int], scratch: Scratch
  ) {
    let (n, h, w, c) = dims4(inShape)
    let (_, oh, ow, f) = dims4(outShape)
    let (kh, kw) = pair(op.size), (sh, sw) = pair(op.strides), (dh, dw) = pair(op.dilation)
    func crop(_ n: Int, _ out: Int, _ k: Int, _ s: Int, _ d: Int) -> Int {
      op.padding == .same ? max((n - 1) * s + (k - 1) * d + 1 - out, 0) / 2 : 0
    }
    let top = inShape.count == 3 ? 0 : crop(h, oh, kh, sh, dh), left = crop(w, ow, kw, sw, dw)
    let contributions = scratch.buffer(0, h * w * kh * kw * f)
    fillBias(op.bias, y, pixels: n * oh * ow, channels: f)
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
  }
}
