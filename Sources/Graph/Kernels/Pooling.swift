/// Pooling kernels on channels-last buffers.
enum PoolingKernel {
  /// Max (padding as −∞) or average (over valid cells only) of each window; max pooling by
  /// XNNPACK (`PackedOperator`) unless it refuses or `packed` is false.
  static func run(
    _ op: Pooling, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int],
    scratch: Scratch, packed: Bool = true
  ) {
    let (n, h, w, c) = ConvolutionKernel.dims4(inShape)
    if packed, op.kind == .max,
      scratch.packed(h: h, w: w, { PackedOperator(op, channels: c, h: h, w: w) }).run(
        x, y, n: n, h: h, w: w, channels: c)
    {
      return
    }
    let (_, oh, ow, _) = ConvolutionKernel.dims4(outShape)
    let (kh, kw) = ConvolutionKernel.pair(op.size), (sh, sw) = ConvolutionKernel.pair(op.strides)
    let top = inShape.count == 3 ? 0 : Window.padBefore(h, size: kh, stride: sh, dilation: 1, padding: op.padding)
    let left = Window.padBefore(w, size: kw, stride: sw, dilation: 1, padding: op.padding)
    for b in 0..<n {
      for oy in 0..<oh {
        for ox in 0..<ow {
          let out = y + ((b * oh + oy) * ow + ox) * c
          out.update(repeating: op.kind == .max ? -.infinity : 0, count: c)
          var cells = 0
          for a in 0..<kh {
            let iy = oy * sh + a - top
            guard iy >= 0, iy < h else { continue }
            for q in 0..<kw {
              let ix = ox * sw + q - left
              guard ix >= 0, ix < w else { continue }
              cells += 1
              let pixel = x + ((b * h + iy) * w + ix) * c
              if op.kind == .max {
                for ch in 0..<c { out[ch] = max(out[ch], pixel[ch]) }
              } else {
                for ch in 0..<c { out[ch] += pixel[ch] }
              }
            }
          }
          if op.kind == .average, cells > 0 {
            let scale = 1 / Float(cells)
            for ch in 0..<c { out[ch] *= scale }
          }
        }
      }
    }
  }

  /// Max or mean over every spatial position, per channel.
  static func global(_ kind: Pooling.Kind, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>)
  {
    let n = inShape[0], c = inShape.last ?? 1
    let positions = inShape.dropFirst().dropLast().reduce(1, *)
    for b in 0..<n {
      let out = y + b * c
      out.update(repeating: kind == .max ? -.infinity : 0, count: c)
      for p in 0..<positions {
        let pixel = x + (b * positions + p) * c
        for ch in 0..<c { out[ch] = kind == .max ? max(out[ch], pixel[ch]) : out[ch] + pixel[ch] }
      }
      if kind == .average { for ch in 0..<c { out[ch] /= Float(positions) } }
    }
  }
}
