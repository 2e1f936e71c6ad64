import Foundation

/// The objectives `tune` minimises over the simplex, on the members' cached outputs, with
/// their gradients and Hessians in the weights.
public enum Objectives {
  /// Log-loss of the weighted sum `p = Σ wᵢ·Pᵢ` (classes or binary):
  /// `f = −(1/n) Σ_r Σ_c y_rc·log p_rc`, `∂f/∂wᵢ = −(1/n) Σ y·Pᵢ/p`, `∂²f/∂wᵢ∂wⱼ = (1/n) Σ y·PᵢPⱼ/p²`.
  public static func weightedLogLoss(_ members: [Table], _ targets: Targets) -> ([Double]) -> Simplex.Model {
    // Only the entries with a target > 0 matter: (row, column, y) with each member's value.
    let columns = classColumns(members, targets)
    let n = Double(targets.table.rows), count = members.count
    return { w in
      var value = 0.0
      var gradient = [Double](repeating: 0, count: count)
      var hessian = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
      for entry in columns {
        let p = max(zip(w, entry.values).reduce(0) { $0 + $1.0 * $1.1 }, 1e-300)
        value -= entry.y * log(p)
        for i in 0..<count {
          gradient[i] -= entry.y * entry.values[i] / p
          for j in i..<count { hessian[i][j] += entry.y * entry.values[i] * entry.values[j] / (p * p) }
        }
      }
      return finish(value / n, gradient.map { $0 / n }, hessian, scale: 1 / n)
    }
  }

  /// Mean squared error of the weighted sum over every output value: a quadratic,
  /// `f = (1/m) Σ (Σ wᵢ·oᵢ − y)²`, `∇f = (2/m) Σ oᵢ·(Σ w·o − y)`, `∇²f = (2/m) Σ oᵢ·oⱼ`.
  public static func weightedSquaredError(_ members: [Table], _ targets: Targets) -> ([Double]) -> Simplex.Model {
    let m = Double(targets.table.values.count), count = members.count
    var products = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
    var cross = [Double](repeating: 0, count: count)
    var yy = 0.0
    for index in targets.table.values.indices {
      let y = targets.table.values[index]
      yy += y * y
      for i in 0..<count {
        cross[i] += members[i].values[index] * y
        for j in i..<count { products[i][j] += members[i].values[index] * members[j].values[index] }
      }
    }
    for i in 0..<count { for j in 0..<i { products[i][j] = products[j][i] } }
    return { w in
      let quadratic = (0..<count).reduce(0.0) { total, i in
        total + w[i] * (0..<count).reduce(0) { $0 + products[i][$1] * w[$1] }
      }
      let value = (quadratic - 2 * zip(w, cross).reduce(0) { $0 + $1.0 * $1.1 } + yy) / m
      let gradient = (0..<count).map { i in 2 * ((0..<count).reduce(0) { $0 + products[i][$1] * w[$1] } - cross[i]) / m
      }
      return (value, gradient, products.map { $0.map { 2 * $0 / m } })
    }
  }

  /// Log-loss of the weighted product rule `p = softmax(Σ wᵢ·log Pᵢ)` (binary as two classes):
  /// with `s = Σ wᵢ·Lᵢ`, `Lᵢ = log Pᵢ`, `f = (1/n) Σ_r [Σ_c y·(lse(s_r) − s_rc)]`, convex in w;
  /// `∂f/∂wᵢ = (1/n) Σ_r Y_r·E_p[Lᵢ] − Σ_c y·Lᵢ`, `∂²f = (1/n) Σ_r Y_r·Cov_p(Lᵢ, Lⱼ)`.
  public static func weightedProductLogLoss(_ members: [Table], _ targets: Targets) -> ([Double]) -> Simplex.Model {
    let logs = members.map { member in
      targets.task == .binary
        ? member.values.flatMap { p in [log(max(1 - p, Metric.epsilon)), log(max(p, Metric.epsilon))] }
        : member.values.map { log(max($0, Metric.epsilon)) }
    }
    let y = targets.task == .binary ? targets.table.values.flatMap { [1 - $0, $0] } : targets.table.values
    let classes = targets.task == .binary ? 2 : targets.table.width
    let rows = targets.table.rows, count = members.count
    return { w in
      var value = 0.0
      var gradient = [Double](repeating: 0, count: count)
      var hessian = [[Double]](repeating: [Double](repeating: 0, count: count), count: count)
      var s = [Double](repeating: 0, count: classes), p = s
      for row in 0..<rows {
        let base = row * classes
        for c in 0..<classes { s[c] = (0..<count).reduce(0) { $0 + w[$1] * logs[$1][base + c] } }
        let top = s.max() ?? 0
        let total = s.reduce(0) { $0 + exp($1 - top) }
        let lse = top + log(total)
        for c in 0..<classes { p[c] = exp(s[c] - lse) }
        let mass = (0..<classes).reduce(0) { $0 + y[base + $1] }
        value += (0..<classes).reduce(0) { $0 + y[base + $1] * (lse - s[$1]) }
        let expected = (0..<count).map { i in (0..<classes).reduce(0) { $0 + p[$1] * logs[i][base + $1] } }
        for i in 0..<count {
          gradient[i] += mass * expected[i] - (0..<classes).reduce(0) { $0 + y[base + $1] * logs[i][base + $1] }
          for j in i..<count {
            let joint = (0..<classes).reduce(0) { $0 + p[$1] * logs[i][base + $1] * logs[j][base + $1] }
            hessian[i][j] += mass * (joint - expected[i] * expected[j])
          }
        }
      }
      let n = Double(rows)
      return finish(value / n, gradient.map { $0 / n }, hessian, scale: 1 / n)
    }
  }

  /// The (row, column) entries with a positive target, with each member's output there.
  private static func classColumns(_ members: [Table], _ targets: Targets) -> [(y: Double, values: [Double])] {
    if targets.task == .binary {
      return (0..<targets.table.rows).map { row in
        let positive = targets.table[row, 0] == 1
        return (1, members.map { positive ? $0[row, 0] : 1 - $0[row, 0] })
      }
    }
    var entries: [(y: Double, values: [Double])] = []
    for (index, y) in targets.table.values.enumerated() where y > 0 {
      entries.append((y, members.map { $0.values[index] }))
    }
    return entries
  }

  /// Mirrors the upper triangle and scales it.
  private static func finish(_ value: Double, _ gradient: [Double], _ upper: [[Double]], scale: Double) -> Simplex.Model
  {
    var hessian = upper
    for i in hessian.indices {
      for j in hessian.indices {
        hessian[i][j] = (j >= i ? upper[i][j] : upper[j][i]) * scale
      }
    }
    return (value, gradient, hessian)
  }
}
