import Foundation
import Graph

/// A Dense head fitted on features (the members' concatenated outputs, or inner features),
/// with scikit-learn's objectives: multinomial logistic regression for classes and logistic
/// for binary, `½‖W‖² + C·Σ log-loss` (the intercept not penalised, as its lbfgs solver does),
/// minimised by L-BFGS (at most 300 steps) on preconditioned variables (`LogisticPreconditioner`)
/// to a gradient below 1e-8 of the objective, the rows split over the cores; ridge for values,
/// `‖XW + b − Y‖² + α‖W‖²` with α = 1/C, solved exactly with the intercept unpenalised.
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
    // Rows are split into one block per core; each block's loss and gradient are summed.
    let blocks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, x.rows / 8192))
    let y = targets.table.values
    let objective = { (parameters: [Double]) -> (Double, [Double]) in
      let kernel = Array(parameters[0..<(features * units)])
      var value = 0.5 * kernel.reduce(0) { $0 + $1 * $1 }
      var gradient = kernel + [Double](repeating: 0, count: units)
      let lock = NSLock()
      DispatchQueue.concurrentPerform(iterations: blocks) { block in
        let (start, end) = (x.rows * block / blocks, x.rows * (block + 1) / blocks)
        let (blockValue, blockGradient) = x.values.withUnsafeBufferPointer { all in
          logisticLoss(
            all.baseAddress! + start * features, y, rows: start..<end, features: features, units: units,
            binary: binary, parameters: parameters, c: c)
        }
        lock.withLock {
          value += blockValue
          for i in gradient.indices { gradient[i] += blockGradient[i] }
        }
      }
      return (value, gradient)
    }
    let preconditioner = LogisticPreconditioner(features: x, units: units, c: c)
    let solution = LBFGS.minimize(
      { z in
        let (value, gradient) = objective(preconditioner.parameters(z))
        return (value, preconditioner.gradient(gradient))
      }, start: [Double](repeating: 0, count: (features + 1) * units))
    return head(preconditioner.parameters(solution))
  }

  /// `C·Σ log-loss` over `rows` and its gradient (kernel then bias) without the penalty; `x` points
  /// at the first of those rows.
  private static func logisticLoss(
    _ x: UnsafePointer<Double>, _ y: [Double], rows: Range<Int>, features: Int, units: Int, binary: Bool,
    parameters: [Double], c: Double
  ) -> (Double, [Double]) {
    let kernel = Array(parameters[0..<(features * units)])
    var value = 0.0
    // R = C·(P − Y), written over the logits in place.
    var residuals = MatMul.product(x, kernel, m: rows.count, k: features, n: units)
    var gradient = [Double](repeating: 0, count: (features + 1) * units)
    for (index, row) in rows.enumerated() {
      let (offset, target) = (index * units, row * units)
      if binary {
        let probability = 1 / (1 + exp(-(residuals[offset] + parameters[features])))
        value -= c * (y[target] == 1 ? log(max(probability, 1e-300)) : log(max(1 - probability, 1e-300)))
        residuals[offset] = c * (probability - y[target])
      } else {
        var top = -Double.infinity
        for u in 0..<units {
          residuals[offset + u] += parameters[features * units + u]
          top = max(top, residuals[offset + u])
        }
        var total = 0.0
        for u in 0..<units {
          residuals[offset + u] = exp(residuals[offset + u] - top)
          total += residuals[offset + u]
        }
        for u in 0..<units {
          let probability = residuals[offset + u] / total
          if y[target + u] > 0 { value -= c * y[target + u] * log(max(probability, 1e-300)) }
          residuals[offset + u] = c * (probability - y[target + u])
        }
      }
      for u in 0..<units { gradient[features * units + u] += residuals[offset + u] }
    }
    // ∂/∂W = Xᵀ·R.
    let product = MatMul.product(x, residuals, m: features, k: rows.count, n: units, transposeA: true)
    for i in product.indices { gradient[i] += product[i] }
    return (value, gradient)
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
