import Foundation

/// A message on stderr. Written with write(2) and never failing: a closed or full stderr
/// must not stop a command that can still do its work.
func note(_ message: String) {
  StandardStream.error.writeIgnoringFailure(Data((message + "\n").utf8))
}
