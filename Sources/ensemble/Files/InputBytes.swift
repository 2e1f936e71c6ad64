import Foundation

/// The bytes of an input: a regular file, standard input (`-`), or any stream a path names
/// (a FIFO, `/dev/stdin`, a shell's `<(…)` as `/dev/fd/N`), which is read to its end.
enum InputBytes {
  /// What `path` is, checked before it is read: nil when it is a regular file, else how to
  /// read it. A missing path or a directory is an error.
  static func kind(_ path: String, what: String) throws -> Kind {
    if path == "-" { return .stream }
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw CLIError(
        "\(path): \(errno == ENOENT ? "no such file" : String(cString: strerror(errno)))", status: .noInput)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFDIR: throw CLIError("\(path): is a directory, not \(what)", status: .noInput)
    default: return .stream
    }
  }

  enum Kind { case regular, stream }

  /// All the bytes of `path`.
  static func read(_ path: String, what: String) throws -> Data {
    switch try kind(path, what: what) {
    case .regular:
      do {
        return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
      } catch {
        throw CLIError("\(path): cannot read it", status: .noInput)
      }
    case .stream:
      let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else {
        throw CLIError("\(path): cannot open: \(String(cString: strerror(errno)))", status: .noInput)
      }
      defer { if descriptor != STDIN_FILENO { close(descriptor) } }
      var data = Data()
      var buffer = [UInt8](repeating: 0, count: 1 << 16)
      while true {
        let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count >= 0 else {
          throw CLIError(
            "\(path == "-" ? "standard input" : path): cannot read: \(String(cString: strerror(errno)))",
            status: .ioError)
        }
        if count == 0 { return data }
        data.append(contentsOf: buffer[0..<count])
      }
    }
  }
}
