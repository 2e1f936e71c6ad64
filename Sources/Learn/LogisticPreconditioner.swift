import Foundation
import Graph

/// A change of variables that makes the logistic heads well conditioned, so L-BFGS needs tens
/// of steps instead of hundreds.
///
/// The parameters Θ are `(features + 1) × units` (the kernel, then the bias row). The objective's
/// Hessian at Θ = 0 is about `A ⊗ G + P`, with `G = X̃ᵀX̃` (X̃ the features and a column of ones),
/// `P` the penalty (1 on kernel rows, 0 on the bias) and `A = c·(I − 11ᵀ/K)/K` the softmax curvature
/// at uniform probabilities (`c/4` for one sigmoid unit). Members' probabilities sum to one, so
/// X̃ has exactly collinear columns, and softmax is unchanged by adding one vector to every unit:
/// both leave directions that only the penalty curves, 10⁴ times flatter than the rest.
///
/// With `U` the eigenvectors of `A` (`u₁ = 1/√K`, eigenvalue 0; the others `c/K`) and
/// `Lⱼ Lⱼᵀ = aⱼ G + P` (plus 1 on the bias for `a = 0`), the solver works on `Z` with
/// `Θ = Σⱼ Lⱼ⁻ᵀ zⱼ uⱼᵀ` and `∇Z = [Lⱼ⁻¹ (∇Θ·U)ⱼ]`: the same objective, Hessian near the identity.
struct LogisticPreconditioner {
  let rows: Int
  let units: Int
  /// Columns of U, `units × units`, row-major (`basis[i * units + j]` is `uⱼ[i]`).
  let basis: [Double]
  /// Lower Cholesky factors, row-major `rows × rows`: `factors[j]` for column j of U.
  let factors: [[Double]]

  init(features x: Table, units: Int, c: Double) {
    let n = x.width + 1
    var gram = [Double](repeating: 0, count: n * n)
    let xtx = MatMul.product(x.values, x.values, m: x.width, k: x.rows, n: x.width, transposeA: true)
    var sums = [Double](repeating: 0, count: x.width)
    for row in 0..<x.rows {
      for f in 0..<x.width { sums[f] += x.values[row * x.width + f] }
    }
    for i in 0..<x.width {
      for j in 0..<x.width { gram[i * n + j] = xtx[i * x.width + j] }
      gram[i * n + x.width] = sums[i]
      gram[x.width * n + i] = sums[i]
    }
    gram[n * n - 1] = Double(x.rows)
    let penalty = (0..<n).map { $0 < x.width ? 1.0 : 0.0 }
    let curved = Self.cholesky(
      (0..<(n * n)).map { index in
        (units == 1 ? c / 4 : c / Double(units)) * gram[index] + (index % (n + 1) == 0 ? penalty[index / n] : 0)
      }, n)
    let flat = Self.cholesky((0..<(n * n)).map { $0 % (n + 1) == 0 ? 1.0 : 0.0 }, n)
    self.rows = n
    self.units = units
    self.basis = Self.orthonormalBasis(units)
    self.factors = (0..<units).map { units > 1 && $0 == 0 ? flat : curved }
  }

  /// Θ (kernel then bias, row-major `rows × units`) from Z.
  func parameters(_ z: [Double]) -> [Double] {
    var theta = [Double](repeating: 0, count: rows * units)
    for j in 0..<units {
      let y = solveUpper(factors[j], column(z, j))
      for r in 0..<rows {
        for i in 0..<units { theta[r * units + i] += y[r] * basis[i * units + j] }
      }
    }
    return theta
  }

  /// ∇Z from ∇Θ.
  func gradient(_ g: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: rows * units)
    for j in 0..<units {
      var rotated = [Double](repeating: 0, count: rows)
      for r in 0..<rows {
        for i in 0..<units { rotated[r] += g[r * units + i] * basis[i * units + j] }
      }
      let solved = solveLower(factors[j], rotated)
      for r in 0..<rows { out[r * units + j] = solved[r] }
    }
    return out
  }

  private func column(_ matrix: [Double], _ j: Int) -> [Double] { (0..<rows).map { matrix[$0 * units + j] } }

  /// `L y = b`.
  private func solveLower(_ l: [Double], _ b: [Double]) -> [Double] {
    var y = b
    for i in 0..<rows {
      for k in 0..<i { y[i] -= l[i * rows + k] * y[k] }
      y[i] /= l[i * rows + i]
    }
    return y
  }

  /// `Lᵀ y = b`.
  private func solveUpper(_ l: [Double], _ b: [Double]) -> [Double] {
    var y = b
    for i in stride(from: rows - 1, through: 0, by: -1) {
      for k in (i + 1)..<rows { y[i] -= l[k * rows + i] * y[k] }
      y[i] /= l[i * rows + i]
    }
    return y
  }

  /// The lower factor L of a symmetric positive definite `n × n` matrix, `L Lᵀ = m`.
  private static func cholesky(_ m: [Double], _ n: Int) -> [Double] {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        var sum = m[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        l[i * n + j] = i == j ? sqrt(max(sum, 1e-300)) : sum / l[j * n + j]
      }
    }
    return l
  }

  /// An orthonormal basis of ℝᵏ whose first vector is `1/√k` (Gram–Schmidt from the ones vector and
  /// the unit vectors), as the columns of a row-major matrix.
  private static func orthonormalBasis(_ k: Int) -> [Double] {
    var vectors: [[Double]] = []
    for candidate in [[Double](repeating: 1, count: k)] + (0..<k).map({ i in (0..<k).map { $0 == i ? 1.0 : 0.0 } }) {
      var v = candidate
      for u in vectors {
        let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
        for i in v.indices { v[i] -= dot * u[i] }
      }
      let norm = sqrt(v.reduce(0) { $0 + $1 * $1 })
      if norm > 1e-8 { vectors.append(v.map { $0 / norm }) }
      if vectors.count == k { break }
    }
    return (0..<(k * k)).map { vectors[$0 % k][$0 / k] }
  }
}
