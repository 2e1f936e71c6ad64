import Foundation

/// Wall-clock time of successive phases, for `--timing`: `load 0.012 s, read 0.003 s, …`.
struct PhaseClock {
  private var last = DispatchTime.now()
  private var phases: [(String, Double)] = []

  mutating func lap(_ name: String) {
    let now = DispatchTime.now()
    phases.append((name, Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1e9))
    last = now
  }

  /// The seconds of every phase so far.
  var total: Double { phases.reduce(0) { $0 + $1.1 } }

  var report: String { phases.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ") }
}
