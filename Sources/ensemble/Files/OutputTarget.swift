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

  /// Writes `data` to the target.
  func write(_ data: Data) throws {
    switch self {
    case .standardOutput:
      try StandardStream.output.write(data)
    case .stream(let path):
      let descriptor = open(path, O_WRONLY | O_CLOEXEC)
      guard descriptor >= 0 else { throw OutputTarget.failure("cannot open \(path)", status: .cannotCreate) }
      defer { close(descriptor) }
      try StandardStream(descriptor: descriptor, name: path).write(data)
    case .file(let path):
      try OutputTarget.replace(path, with: data)
    }
  }

  /// The temporary-file-and-rename write of a regular file.
  private static func replace(_ path: String, with data: Data) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    var existing = stat()
    let mode = stat(path, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
    let slot = Cleanup.remember(temporary)
    defer { Cleanup.forget(slot) }
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
    guard descriptor >= 0 else { throw failure("cannot create \(temporary)", status: .cannotCreate) }
    do {
      try StandardStream(descriptor: descriptor, name: path).write(data)
      guard fsync(descriptor) == 0 else { throw failure("cannot write \(path)", status: .ioError) }
    } catch {
      close(descriptor)
      unlink(temporary)
      throw error
    }
    close(descriptor)
    guard rename(temporary, path) == 0 else {
      let error = failure("cannot rename into \(path)", status: .ioError)
      unlink(temporary)
      throw error
    }
    let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      close(folderDescriptor)
    }
  }

  private static func failure(_ what: String, status: ExitStatus) -> CLIError {
    CLIError("\(what): \(String(cString: strerror(errno)))", status: status)
  }
}
