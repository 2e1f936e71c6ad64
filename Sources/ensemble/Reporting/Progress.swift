import Foundation

/// Progress on stderr, one line redrawn: rows done, rows per second and, when the total or the
/// share of the input read is known, the time left. Shown only when stderr is a terminal, the
/// run has lasted a second, and not `--quiet`, so pipelines and logs stay clean.
final class Progress {
  let label: String
  private let enabled: Bool
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false

  init(label: String, quiet: Bool = false) {
    self.label = label
    enabled = !quiet && isatty(STDERR_FILENO) != 0
  }

  /// `done` of `total` (when known); `fraction`: the share of the input read, when the total is not.
  func update(_ done: Int, total: Int? = nil, fraction: Double? = nil) {
    guard enabled else { return }
    let now = Date()
    let elapsed = now.timeIntervalSince(start)
    guard elapsed >= 1, now.timeIntervalSince(lastDraw) >= 0.2 else { return }
    lastDraw = now
    let rate = Double(done) / max(elapsed, 1e-9)
    var line = "\r\(label): \(done)" + (total.map { " of \($0)" } ?? "") + " rows, \(Self.count(rate)) rows/s"
    let share = total.map { Double(done) / Double(max($0, 1)) } ?? fraction
    if let share, share > 0, share < 1 { line += ", \(Self.duration(elapsed * (1 - share) / share)) left" }
    StandardStream.error.writeIgnoringFailure(Data((line + "\u{1B}[K").utf8))
    drawn = true
  }

  /// For the executor's `(done, total)` callback.
  func update(_ done: Int, _ total: Int) { update(done, total: total) }

  /// Ends the line, if one was drawn.
  func finish() {
    if drawn { StandardStream.error.writeIgnoringFailure(Data("\n".utf8)) }
    drawn = false
  }

  private static func count(_ value: Double) -> String {
    value >= 1e6
      ? String(format: "%.1fM", value / 1e6)
      : value >= 1e4 ? String(format: "%.0fk", value / 1e3) : String(format: "%.0f", value)
  }

  private static func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    return whole >= 3600
      ? "\(whole / 3600)h\(whole % 3600 / 60)m" : whole >= 60 ? "\(whole / 60)m\(whole % 60)s" : "\(whole)s"
  }
}
