import Foundation

/// Progress on stderr, only when stderr is a terminal, so pipelines and logs stay clean.
struct Progress {
  let label: String
  let enabled = isatty(STDERR_FILENO) != 0

  func update(_ done: Int, _ total: Int) {
    guard enabled else { return }
    FileHandle.standardError.write(Data("\r\(label): \(done)/\(total)".utf8))
    if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}

/// A message on stderr.
func note(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
