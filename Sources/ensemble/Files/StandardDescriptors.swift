import Foundation

/// Standard input, output and error, made safe before anything is opened: a descriptor the
/// shell left closed (`>&-`) would otherwise be reused by the next file opened, and output
/// meant for stdout would go into, say, the model file. Each closed one is opened on
/// /dev/null, and writes meant for a closed stdout fail with a clear error.
enum StandardDescriptors {
  /// Whether standard output was closed when the process started.
  nonisolated(unsafe) private(set) static var outputWasClosed = false

  static func secure() {
    for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(descriptor, F_GETFD) < 0 {
      let null = open("/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY)
      if null >= 0, null != descriptor {
        dup2(null, descriptor)
        close(null)
      }
      if descriptor == STDOUT_FILENO { outputWasClosed = true }
    }
  }
}
