/// Minimises a smooth convex function of weights on the simplex (wᵢ ≥ 0, Σ wᵢ = 1) to
/// optimality: Newton steps whose quadratic model is minimised exactly on the simplex (every
/// face tried: for N ≤ 16 weights that is at most 65,535 small linear systems), then a
/// backtracking line search. Converges in a few steps where a grid or plain gradient descent
/// would not reach 1e-6 of the optimum.
public enum Simplex {
  /// The value, gradient and Hessian at a point.
  public typealias Model = (value: Double, gradient: [Double], hessian: [[Double]])

  /// The most weights `minimize` takes.
  public static let maximumWeights = 16

  public static func minimize(dimension n: Int, _ objective: ([Double]) -> Model) -> (weights: [Double], value: Double)
  {
    var w = [Double](repeating: 1 / Double(n), count: n)
    var current = objective(w)
    for _ in 0..<100 {
      let (g, h) = (current.gradient, current.hessian)
      // The quadratic model around w in v: ½ vᵀHv + (g − Hw)ᵀv.
      let linear = (0..<n).map { i in g[i] - (0..<n).reduce(0) { $0 + h[i][$1] * w[$1] } }
      let target = quadratic(h, linear)
      let step = zip(target, w).map { $0 - $1 }
      let slope = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
      if slope > -1e-15 * max(1, abs(current.value)) { break }
      var t = 1.0
      var next = objective(zip(w, step).map { $0 + t * $1 })
      while !(next.value <= current.value + 1e-4 * t * slope), t > 1e-12 {
        t /= 2
        next = objective(zip(w, step).map { $0 + t * $1 })
      }
      guard next.value < current.value else { break }
      w = zip(w, step).map { max($0 + t * $1, 0) }
      current = next
    }
    return (w, current.value)
  }

  /// The minimiser of `½ vᵀHv + cᵀv` on the simplex: the best of each face's equality-
  /// constrained minimiser that is feasible (the optimum of a convex problem lies on a face).
  static func quadratic(_ h: [[Double]], _ c: [Double]) -> [Double] {
    let n = c.count
    var best: (value: Double, point: [Double])?
    for mask in 1..<(1 << n) {
      let face = (0..<n).filter { mask & (1 << $0) != 0 }
      // KKT on the face: H_FF v + λ·1 = −c_F, Σ v = 1.
      let size = face.count + 1
      var system = [[Double]](repeating: [Double](repeating: 0, count: size + 1), count: size)
      for (row, i) in face.enumerated() {
        for (column, j) in face.enumerated() { system[row][column] = h[i][j] + (i == j ? 1e-12 : 0) }
        system[row][face.count] = 1
        system[row][size] = -c[i]
      }
      for column in 0..<face.count { system[face.count][column] = 1 }
      system[face.count][size] = 1
      guard let solution = solve(system), solution.prefix(face.count).allSatisfy({ $0 >= -1e-12 }) else { continue }
      var point = [Double](repeating: 0, count: n)
      for (index, i) in face.enumerated() { point[i] = max(solution[index], 0) }
      var value = 0.0
      for i in 0..<n {
        var row = 0.0
        for j in 0..<n { row += h[i][j] * point[j] }
        value += c[i] * point[i] + 0.5 * point[i] * row
      }
      if value < best?.value ?? .infinity { best = (value, point) }
    }
    return best?.point ?? [Double](repeating: 1 / Double(n), count: n)
  }

  /// Gaussian elimination with partial pivoting on an augmented matrix; nil when singular.
  static func solve(_ matrix: [[Double]]) -> [Double]? {
    var a = matrix
    let n = a.count
    for column in 0..<n {
      guard let pivot = (column..<n).max(by: { abs(a[$0][column]) < abs(a[$1][column]) }),
        abs(a[pivot][column]) > 1e-300
      else { return nil }
      a.swapAt(column, pivot)
      for row in (column + 1)..<n where a[row][column] != 0 {
        let factor = a[row][column] / a[column][column]
        for k in column...n { a[row][k] -= factor * a[column][k] }
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      x[row] = (a[row][n] - ((row + 1)..<n).reduce(0) { $0 + a[row][$1] * x[$1] }) / a[row][row]
    }
    return x
  }
}
