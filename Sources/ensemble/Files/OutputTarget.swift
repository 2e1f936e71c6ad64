import Foundation

/// Where a command's output goes, decided (and checked) before any work is done:
/// - standard output (`-o -`, or no `-o`);
/// - a stream: an existing character device (`/dev/null`), FIFO or pipe (`/dev/fd/3`), written
///   in place, since renaming over it would replace the device or FIFO with a regular file;
/// - a regular file, written to a temporary file beside it, synced, and renamed into place
///   (the folder synced too), so a reader never sees half a file and a failure or a signal
///   leaves nothing behind. An existing file is replaced only with `--force`.
/// Other special files (directories, sockets, block devices) are refused, and so is any
/// output that is one of the command's inputs, also through a symbolic or a hard link.
enum OutputTarget {
  case standardOutput
  case stream(String)
  case file(String)

  /// Checks `path` as an output for a command that reads `inputs`; `binary` output is never
  /// written to a terminal.
  static func resolve(_ path: String?, force: Bool, inputs: [String], binary: Bool, hint: String) throws
    -> OutputTarget
  {
    guard let path, path != "-" else {
      if binary, isatty(STDOUT_FILENO) != 0 {
        throw CLIError("refusing to write binary data to the terminal; \(hint)", status: .cannotCreate)
      }
      return .standardOutput
    }
    var target = stat()
    guard stat(path, &target) == 0 else {
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      var folderInfo = stat()
      guard stat(folder, &folderInfo) == 0, folderInfo.st_mode & S_IFMT == S_IFDIR else {
        throw CLIError("cannot write \(path): folder \(folder) does not exist", status: .cannotCreate)
      }
      guard access(folder, W_OK) == 0 else {
        throw CLIError("cannot write \(path): folder \(folder) is not writable", status: .cannotCreate)
      }
      return .file(path)
    }
    for input in inputs where input != "-" {
      var source = stat()
      if stat(input, &source) == 0, source.st_dev == target.st_dev, source.st_ino == target.st_ino {
        throw CLIError("refusing to write \(path): it is one of the inputs (\(input))", status: .cannotCreate)
      }
    }
    switch target.st_mode & S_IFMT {
    case S_IFREG:
      guard force else { throw CLIError("\(path) already exists; pass --force to replace it", status: .cannotCreate) }
      return .file(path)
    case S_IFCHR, S_IFIFO: return .stream(path)
    case S_IFDIR: throw CLIError("\(path) is a directory", status: .cannotCreate)
    default: throw CLIError("refusing to write \(path): it is a special file", status: .cannotCreate)
    }
  }

  /// Writes `data` to the target, whole.
  func write(_ data: Data) throws {
    let channel = try open()
    try channel.write(data)
    try channel.commit()
  }

  /// Opens the target for writing in pieces; a regular file is a temporary file until
  /// `commit`, and removed if the channel is dropped without it.
  func open() throws -> OutputChannel {
    switch self {
    case .standardOutput:
      return OutputChannel(stream: .output, temporary: nil, path: nil)
    case .stream(let path):
      let descriptor = Glibc.open(path, O_WRONLY | O_CLOEXEC)
      guard descriptor >= 0 else { throw OutputTarget.failure("cannot open \(path)", status: .cannotCreate) }
      return OutputChannel(stream: StandardStream(descriptor: descriptor, name: path), temporary: nil, path: path)
    case .file(let path):
      let url = URL(fileURLWithPath: path)
      let temporary = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
      var existing = stat()
      let mode = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
      let slot = Cleanup.remember(temporary)
      let descriptor = Glibc.open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
      guard descriptor >= 0 else {
        Cleanup.forget(slot)
        throw OutputTarget.failure("cannot create \(temporary)", status: .cannotCreate)
      }
      return OutputChannel(
        stream: StandardStream(descriptor: descriptor, name: path), temporary: (temporary, slot), path: path)
    }
  }

  static func failure(_ what: String, status: ExitStatus) -> CLIError {
    CLIError("\(what): \(String(cString: strerror(errno)))", status: status)
  }
}

/// An output being written: standard output, a stream, or a regular file's temporary file that
/// `commit` syncs and renames into place (the folder synced too), so a reader never sees half a
/// file and a failure or a signal leaves nothing behind.
final class OutputChannel {
  private let stream: StandardStream
  private var temporary: (path: String, slot: Int?)?
  private let path: String?
  private var committed = false

  init(stream: StandardStream, temporary: (path: String, slot: Int?)?, path: String?) {
    self.stream = stream
    self.temporary = temporary
    self.path = path
  }

  /// Whether bytes already written can be written over (`pwrite`): a regular file's.
  var isSeekable: Bool { temporary != nil }

  func write(_ data: Data) throws { try stream.write(data) }

  func write(_ bytes: [UInt8]) throws {
    guard !bytes.isEmpty else { return }
    try bytes.withUnsafeBytes { try stream.write($0) }
  }

  /// Writes `bytes` over the first bytes of a regular file's output.
  func overwriteStart(_ bytes: [UInt8]) throws {
    let written = bytes.withUnsafeBytes { pwrite(stream.descriptor, $0.baseAddress, $0.count, 0) }
    guard written == bytes.count else { throw OutputTarget.failure("cannot write \(path ?? "")", status: .ioError) }
  }

  /// Finishes the output: a regular file is synced and renamed into place.
  func commit() throws {
    committed = true
    guard let (temporary, slot) = temporary else {
      if path != nil { close(stream.descriptor) }
      return
    }
    self.temporary = nil
    defer { Cleanup.forget(slot) }
    guard fsync(stream.descriptor) == 0 else {
      close(stream.descriptor)
      unlink(temporary)
      throw OutputTarget.failure("cannot write \(path!)", status: .ioError)
    }
    close(stream.descriptor)
    guard rename(temporary, path!) == 0 else {
      let error = OutputTarget.failure("cannot rename into \(path!)", status: .ioError)
      unlink(temporary)
      throw error
    }
    let folder = URL(fileURLWithPath: path!).deletingLastPathComponent().path
    let folderDescriptor = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  deinit {
    if let (temporary, slot) = temporary {
      close(stream.descriptor)
      unlink(temporary)
      Cleanup.forget(slot)
    } else if path != nil, !committed {
      close(stream.descriptor)
    }
  }
}
