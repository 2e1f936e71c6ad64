import Foundation

/// Kernels that move pixels: zero padding and cropping, nearest upsampling, resizing.
enum SpatialKernel {
  /// Pads with zeros (positive amounts) or crops (negative) each spatial axis.
  static func pad(
    _ pads: [(Int, Int)], _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int]
  ) {
    y.update(repeating: 0, count: outShape.reduce(1, *))
    guard inShape.count > 4 else {
      let (n, h, w, c) = ConvolutionKernel.dims4(inShape)
      let (_, oh, ow, _) = ConvolutionKernel.dims4(outShape)
      let top = pads.count == 2 ? pads[0].0 : 0, left = pads.last?.0 ?? 0
      for b in 0..<n {
        for iy in 0..<h {
          let oy = iy + top
          guard oy >= 0, oy < oh else { continue }
          for ix in 0..<w {
            let ox = ix + left
            guard ox >= 0, ox < ow else { continue }
            (y + ((b * oh + oy) * ow + ox) * c).update(from: x + ((b * h + iy) * w + ix) * c, count: c)
          }
        }
      }
      return
    }
    let c = inShape.last ?? 1
    // Volumes: each input pixel (batch and spatial index) copied to its place when inside.
    forEachPixel(inShape) { index, source in
      var target = 0
      for axis in 0..<(index.count) {
        let position = index[axis] + (axis == 0 ? 0 : pads[axis - 1].0)
        guard position >= 0, position < outShape[axis] else { return }
        target = target * outShape[axis] + position
      }
      (y + target * c).update(from: x + source * c, count: c)
    }
  }

  /// Nearest-neighbour upsampling by integer factors, over 1 to 3 spatial axes.
  static func upsample(_ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int]) {
    guard inShape.count > 4 else {
      let (n, h, w, c) = ConvolutionKernel.dims4(inShape)
      let (_, oh, ow, _) = ConvolutionKernel.dims4(outShape)
      for b in 0..<n {
        for oy in 0..<oh {
          for ox in 0..<ow {
            (y + ((b * oh + oy) * ow + ox) * c).update(
              from: x + ((b * h + oy * h / oh) * w + ox * w / ow) * c, count: c)
          }
        }
      }
      return
    }
    let c = inShape.last ?? 1
    forEachPixel(outShape) { index, target in
      var source = 0
      for axis in 0..<(index.count) { source = source * inShape[axis] + index[axis] * inShape[axis] / outShape[axis] }
      (y + target * c).update(from: x + source * c, count: c)
    }
  }

  /// Calls `body` with every (batch, spatial…) index of a channels-last `shape`, in order, and
  /// its pixel number.
  private static func forEachPixel(_ shape: [Int], _ body: ([Int], Int) -> Void) {
    let dims = Array(shape.dropLast())
    let count = dims.reduce(1, *)
    var index = [Int](repeating: 0, count: dims.count)
    for pixel in 0..<count {
      body(index, pixel)
      var axis = dims.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < dims[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// tf.image.resize with half-pixel centres: bilinear `src = (dst + 0.5)·in/out − 0.5`
  /// between floor and ceil (clamped); nearest `src = floor((dst + 0.5)·in/out)`.
  static func resize(
    bilinear: Bool, _ x: UnsafePointer<Float>, inShape: [Int], _ y: UnsafeMutablePointer<Float>, outShape: [Int]
  ) {
    let (n, h, w, c) = ConvolutionKernel.dims4(inShape)
    let (_, oh, ow, _) = ConvolutionKernel.dims4(outShape)
    let scaleY = Float(h) / Float(oh), scaleX = Float(w) / Float(ow)
    func taps(_ out: Int, _ scale: Float, _ size: Int) -> (Int, Int, Float) {
      if !bilinear {
        let source = min(Int(Foundation.floor((Float(out) + 0.5) * scale)), size - 1)
        return (source, source, 0)
      }
      let source = (Float(out) + 0.5) * scale - 0.5
      let lower = Foundation.floor(source)
      return (max(Int(lower), 0), min(Int(Foundation.ceil(source)), size - 1), source - lower)
    }
    for b in 0..<n {
      for oy in 0..<oh {
        let (y0, y1, fy) = taps(oy, scaleY, h)
        for ox in 0..<ow {
          let (x0, x1, fx) = taps(ox, scaleX, w)
          let out = y + ((b * oh + oy) * ow + ox) * c
          let p00 = x + ((b * h + y0) * w + x0) * c, p01 = x + ((b * h + y0) * w + x1) * c
          let p10 = x + ((b * h + y1) * w + x0) * c, p11 = x + ((b * h + y1) * w + x1) * c
          for ch in 0..<c {
            let top = p00[ch] + (p01[ch] - p00[ch]) * fx
            let bottom = p10[ch] + (p11[ch] - p10[ch]) * fx
            out[ch] = top + (bottom - top) * fy
          }
        }
      }
    }
  }
}
