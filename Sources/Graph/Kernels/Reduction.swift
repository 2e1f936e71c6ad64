/// Sums, means, maxima and minima over feature axes: each input element, in order, combined
/// into the output element its kept axes index; a mean divided once at the end. NaN wins a
/// maximum or minimum, as NumPy's does.
enum ReductionKernel {
  static func run(_ op: Reduction, _ x: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>) {
    let kept = (0..<shape.count).filter { !op.axes.contains($0) }
    let keptStrides = Layout.strides(kept.map { shape[$0] })
    // How far the output moves when each input axis moves by one: 0 along a reduced axis.
    var targetStrides = [Int](repeating: 0, count: shape.count)
    for (position, axis) in kept.enumerated() { targetStrides[axis] = keptStrides[position] }
    let outCount = kept.map { shape[$0] }.reduce(1, *)
    let count = shape.reduce(1, *)
    switch op.kind {
    case .sum, .mean: y.update(repeating: 0, count: outCount)
    case .max: y.update(repeating: -.infinity, count: outCount)
    case .min: y.update(repeating: .infinity, count: outCount)
    }
    var index = [Int](repeating: 0, count: shape.count)
    var target = 0
    for i in 0..<count {
      let value = x[i]
      switch op.kind {
      case .sum, .mean: y[target] += value
      case .max: if value > y[target] || value.isNaN { y[target] = value }
      case .min: if value < y[target] || value.isNaN { y[target] = value }
      }
      var axis = shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        target += targetStrides[axis]
        if index[axis] < shape[axis] { break }
        target -= targetStrides[axis] * shape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
    if op.kind == .mean, outCount > 0 {
      let reduced = Float(count / outCount)
      for i in 0..<outCount { y[i] /= reduced }
    }
  }
}
