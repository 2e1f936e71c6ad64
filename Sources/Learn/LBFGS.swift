import Foundation

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
