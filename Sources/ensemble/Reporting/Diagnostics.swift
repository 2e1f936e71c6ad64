import Foundation

/// A message on stderr. Written with write(2) and never failing: a closed or full stderr
/// must not stop a command that can still do its work.
func note(_ message: String) {
  StandardStream.error.writeIgnoringFailure(Data((message + "\n").utf8))
}

/// How much a command says on stderr besides its errors and warnings: `--quiet` drops notes
/// and progress, `--verbose` adds what was inferred (a skipped header, the rows and time).
enum Verbosity: Int, Comparable {
  case quiet, normal, verbose

  nonisolated(unsafe) static var current = Verbosity.normal

  static func < (a: Verbosity, b: Verbosity) -> Bool { a.rawValue < b.rawValue }
}

/// A note shown unless `--quiet`.
func info(_ message: String) {
  if Verbosity.current >= .normal { note(message) }
}

/// A note shown only with `--verbose`.
func detail(_ message: String) {
  if Verbosity.current >= .verbose { note(message) }
}
