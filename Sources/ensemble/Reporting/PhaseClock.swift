import Foundation

/// Wall-clock time of successive phases, for `--timing`: `load 0.012 s, read 0.003 s, …`.
struct PhaseClock {
  private var last = DispatchTime.now()
  private var phases: [(String, Double)] = []
  /// Seconds of named parts of the phase under way (reading, within predicting), shown with it.
  private var parts: [(String, Double)] = []

  mutating func lap(_ name: String) {
    let now = DispatchTime.now()
    let inside = parts.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ")
    phases.append((parts.isEmpty ? name : "\(name) (\(inside) of it)", Self.seconds(from: last, to: now)))
    parts = []
    last = now
  }

  /// Runs `body`, its time counted as the part `name` of the current phase.
  mutating func part<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
    let start = DispatchTime.now()
    defer {
      let seconds = Self.seconds(from: start, to: DispatchTime.now())
      if let index = parts.firstIndex(where: { $0.0 == name }) {
        parts[index].1 += seconds
      } else {
        parts.append((name, seconds))
      }
    }
    return try body()
  }

  private static func seconds(from start: DispatchTime, to end: DispatchTime) -> Double {
    Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
  }

  /// The seconds of every phase so far.
  var total: Double { phases.reduce(0) { $0 + $1.1 } }

  var report: String { phases.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ") }
}
