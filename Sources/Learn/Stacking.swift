import Foundation
import Graph

/// A Dense head fitted on features (the members' concatenated outputs, or inner features),
/// with scikit-learn's objectives: multinomial logistic regression for classes and logistic
/// for binary, `½‖W‖² + C·Σ log-loss` (the intercept not penalised, as its lbfgs solver does),
/// minimised by L-BFGS (at most 300 steps) to a gradient below 1e-8 of the objective; ridge for values, `‖XW + b − Y‖² + α‖W‖²`
/// with α = 1/C, solved exactly with the intercept unpenalised.
public struct Stacking {
  /// `features × units`, row-major, as a Dense kernel.
  public let kernel: [Double]
  public let bias: [Double]
  public let units: Int
  /// The head's activation: `softmax`, `sigmoid` or `linear`.
  public let activation: String

  public static func fit(_ features: Table, _ targets: Targets, c: Double) -> Stacking {
    switch targets.task {
    case .regression: return ridge(features, targets.table, alpha: 1 / c)
    case .binary, .classification: return logistic(features, targets, c: c)
    }
  }

  /// The head's predictions.
  public func predict(_ features: Table) -> Table {
    var out = [Double](repeating: 0, count: features.rows * units)
    let logits = MatMul.product(features.values, kernel, m: features.rows, k: features.width, n: units)
    var z = bias
    for row in 0..<features.rows {
      for u in 0..<units { z[u] = logits[row * units + u] + bias[u] }
      switch activation {
      case "softmax":
        let top = z.max() ?? 0
        var total = 0.0
        for u in 0..<units {
          z[u] = exp(z[u] - top)
          total += z[u]
        }
        for u in 0..<units { out[row * units + u] = z[u] / total }
      case "sigmoid": out[row] = 1 / (1 + exp(-z[0]))
      default: for u in 0..<units { out[row * units + u] = z[u] }
      }
    }
    return Table(rows: features.rows, width: units, values: out)
  }

  private static func logistic(_ x: Table, _ targets: Targets, c: Double) -> Stacking {
    let binary = targets.task == .binary
    let units = binary ? 1 : targets.table.width, features = x.width
    let head = { (parameters: [Double]) in
      Stacking(
        kernel: Array(parameters[0..<(features * units)]), bias: Array(parameters[(features * units)...]), units: units,
        activation: binary ? "sigmoid" : "softmax")
    }
    // f = ½‖W‖² + C·Σ_r CE(softmax(x_r W + b), y_r); ∇ over W is Xᵀ(P − Y)·C + W, over b Σ(P − Y)·C.
    let objective = { (parameters: [Double]) -> (Double, [Double]) in
      let model = head(parameters)
      let p = model.predict(x)
      var value = 0.5 * model.kernel.reduce(0) { $0 + $1 * $1 }
      var residuals = [Double](repeating: 0, count: x.rows * units)
      var gradient = model.kernel + [Double](repeating: 0, count: units)
      for row in 0..<x.rows {
        for u in 0..<units {
          let (probability, y) = (p.values[row * units + u], targets.table.values[row * units + u])
          residuals[row * units + u] = c * (probability - y)
          gradient[features * units + u] += residuals[row * units + u]
          if binary {
            value -= c * (y == 1 ? log(max(probability, 1e-300)) : log(max(1 - probability, 1e-300)))
          } else if y > 0 {
            value -= c * y * log(max(probability, 1e-300))
          }
        }
      }
      // ∂/∂W = Xᵀ·R + W.
      let product = MatMul.product(x.values, residuals, m: features, k: x.rows, n: units, transposeA: true)
      for i in product.indices { gradient[i] += product[i] }
      return (value, gradient)
    }
    return head(LBFGS.minimize(objective, start: [Double](repeating: 0, count: (features + 1) * units)))
  }

  private static func ridge(_ x: Table, _ y: Table, alpha: Double) -> Stacking {
    let (n, features, units) = (Double(x.rows), x.width, y.width)
    let xMean = (0..<features).map { f in (0..<x.rows).reduce(0) { $0 + x[$1, f] } / n }
    let yMean = (0..<units).map { u in (0..<y.rows).reduce(0) { $0 + y[$1, u] } / n }
    // (XcᵀXc + αI) W = XcᵀYc, with Xc, Yc centred, then b = ȳ − x̄ᵀW.
    var kernel = [Double](repeating: 0, count: features * units)
    for u in 0..<units {
      var system = [[Double]](repeating: [Double](repeating: 0, count: features + 1), count: features)
      for row in 0..<x.rows {
        for i in 0..<features {
          let xi = x[row, i] - xMean[i]
          for j in 0..<features { system[i][j] += xi * (x[row, j] - xMean[j]) }
          system[i][features] += xi * (y[row, u] - yMean[u])
        }
      }
      for i in 0..<features { system[i][i] += alpha }
      let solution = Simplex.solve(system) ?? [Double](repeating: 0, count: features)
      for f in 0..<features { kernel[f * units + u] = solution[f] }
    }
    let bias = (0..<units).map { u in yMean[u] - (0..<features).reduce(0) { $0 + xMean[$1] * kernel[$1 * units + u] } }
    return Stacking(kernel: kernel, bias: bias, units: units, activation: "linear")
  }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search, for the stacking heads.
enum LBFGS {
  static func minimize(_ f: ([Double]) -> (Double, [Double]), start: [Double], memory: Int = 10) -> [Double] {
    var x = start
    var (value, gradient) = f(x)
    var history: [(s: [Double], y: [Double], rho: Double)] = []
    for _ in 0..<300 {
      let norm = gradient.reduce(0) { max($0, abs($1)) }
      if norm < 1e-8 * max(1, abs(value)) { break }
      // Two-loop recursion for the direction −H·g.
      var q = gradient
      var alphas: [Double] = []
      for (s, y, rho) in history.reversed() {
        let a = rho * zip(s, q).reduce(0) { $0 + $1.0 * $1.1 }
        alphas.append(a)
        for i in q.indices { q[i] -= a * y[i] }
      }
      if let last = history.last {
        let scale = zip(last.s, last.y).reduce(0) { $0 + $1.0 * $1.1 } / last.y.reduce(0) { $0 + $1 * $1 }
        q = q.map { $0 * scale }
      }
      for ((s, y, rho), a) in zip(history, alphas.reversed()) {
        let b = rho * zip(y, q).reduce(0) { $0 + $1.0 * $1.1 }
        for i in q.indices { q[i] += s[i] * (a - b) }
      }
      let direction = q.map { -$0 }
      let slope = zip(direction, gradient).reduce(0) { $0 + $1.0 * $1.1 }
      guard slope < 0 else {
        history.removeAll()
        continue
      }
      var t = 1.0
      var candidate = zip(x, direction).map { $0 + t * $1 }
      var next = f(candidate)
      while next.0 > value + 1e-4 * t * slope, t > 1e-20 {
        t /= 2
        candidate = zip(x, direction).map { $0 + t * $1 }
        next = f(candidate)
      }
      let s = zip(candidate, x).map { $0 - $1 }, y = zip(next.1, gradient).map { $0 - $1 }
      let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
      if sy > 1e-20 {
        history.append((s, y, 1 / sy))
        if history.count > memory { history.removeFirst() }
      }
      if abs(next.0 - value) <= 1e-16 * max(1, abs(value)), t < 1e-10 { break }
      (x, value, gradient) = (candidate, next.0, next.1)
    }
    return x
  }
}
