import Foundation

/// Progress on stderr, only when stderr is a terminal, so pipelines and logs stay clean.
struct Progress {
  let label: String
  let enabled = isatty(STDERR_FILENO) != 0

  func update(_ done: Int, _ total: Int) {
    guard enabled else { return }
    StandardStream.error.writeIgnoringFailure(Data("\r\(label): \(done)/\(total)".utf8))
    if done >= total { StandardStream.error.writeIgnoringFailure(Data("\n".utf8)) }
  }
}
