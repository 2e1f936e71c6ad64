import Foundation

/// A file descriptor written with write(2) until every byte is out, so that a failure is seen
/// (Foundation's FileHandle traps on one). Standard output and error are two of them.
struct StandardStream {
  let descriptor: Int32
  let name: String

  static let output = StandardStream(descriptor: STDOUT_FILENO, name: "standard output")
  static let error = StandardStream(descriptor: STDERR_FILENO, name: "standard error")

  /// Writes all of `data`. A reader that went away (EPIPE, as `| head -1` does) ends the
  /// process quietly, as SIGPIPE ends any Unix filter; any other failure is an I/O error.
  func write(_ data: Data) throws { try data.withUnsafeBytes { try write($0) } }

  /// Writes all of `bytes`, with the failures of `write(_: Data)`.
  func write(_ bytes: UnsafeRawBufferPointer) throws {
    if descriptor == STDOUT_FILENO, StandardDescriptors.outputWasClosed {
      throw CLIError("cannot write to standard output: it is closed", status: .ioError)
    }
    if let failure = writeAll(bytes) {
      if failure == EPIPE { Cleanup.endQuietlyOnBrokenPipe() }
      throw CLIError("cannot write to \(name): \(String(cString: strerror(failure)))", status: .ioError)
    }
  }

  /// Writes what it can; for diagnostics, which must never stop a command.
  func writeIgnoringFailure(_ data: Data) { _ = data.withUnsafeBytes { writeAll($0) } }

  /// The errno of the first failure, or nil when every byte was written.
  func writeAll(_ buffer: UnsafeRawBufferPointer) -> Int32? {
    var offset = 0
    while offset < buffer.count {
      let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }
}
