/// The exit statuses, sysexits-style; `--help` and the README list them.
enum ExitStatus: Int32 {
  /// Anything else, including an internal error.
  case failure = 1
  /// Bad usage: an unknown option, a missing argument, options that do not go together.
  case usage = 64
  /// A model or an input that cannot be used: damaged, malformed, unsupported, of the wrong shape.
  case dataError = 65
  /// An input that does not exist or cannot be opened.
  case noInput = 66
  /// An output that cannot be created: it exists (without --force), its folder is missing, it
  /// is a directory, a special file or one of the inputs, or binary data bound for a terminal.
  case cannotCreate = 73
  /// Reading or writing failed part-way: a full disk, a closed or full standard output.
  case ioError = 74
}

/// A run-time failure of the command line itself, with its exit status.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  let status: ExitStatus

  init(_ description: String, status: ExitStatus) {
    self.description = description
    self.status = status
  }
}
