import Foundation

/// A bound on how long one call into libhdf5 may take. The library can loop forever on a
/// damaged file (seen: reading a variable-length string through a corrupt global heap), and
/// no error would ever come back; past the bound the watchdog raises SIGXCPU, which the
/// command line turns into a "damaged file" error (a legitimate call takes milliseconds).
enum Watchdog {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var generation = 0
  nonisolated(unsafe) private static var armed = false

  /// Runs `body`, raising SIGXCPU if it has not returned after `seconds`.
  static func guarding<Result>(seconds: Double = 3, _ body: () throws -> Result) rethrows -> Result {
    let mine = lock.withLock {
      generation += 1
      armed = true
      return generation
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
      if lock.withLock({ armed && generation == mine }) { kill(getpid(), SIGXCPU) }
    }
    defer { lock.withLock { armed = false } }
    return try body()
  }
}
