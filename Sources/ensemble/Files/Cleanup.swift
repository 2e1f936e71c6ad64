import Foundation

/// What must not outlive the process: temporary files being written. Signal handlers remove
/// them on Ctrl-C, SIGTERM, SIGHUP and a broken pipe, then end the process as the signal would;
/// a crash (SIGSEGV and the like, inside libhdf5 on a damaged file), or SIGXCPU from the
/// HDF5 module's watchdog when libhdf5 stops responding, also removes them and reports one
/// line, naming the file being read, instead of a backtrace.
///
/// The handlers only read fixed C buffers and call unlink, write and _exit, which are safe
/// in a signal handler.
enum Cleanup {
  private static let capacity = 8
  /// Paths of temporary files, as C strings, or nil.
  nonisolated(unsafe) private static let temporaries = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    .allocate(capacity: capacity)
  /// The message a crash prints: which file was being read.
  nonisolated(unsafe) private static var crashMessage: UnsafeMutablePointer<CChar>?
  private static let lock = NSLock()

  /// Installs the handlers; called once, first thing.
  static func install() {
    temporaries.initialize(repeating: nil, count: capacity)
    reading(nil)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
      Foundation.signal(signal) { number in
        Cleanup.removeTemporaries()
        Foundation.signal(number, SIG_DFL)
        raise(number)
      }
    }
    for signal in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGXCPU] {
      Foundation.signal(signal) { _ in
        Cleanup.removeTemporaries()
        if let message = Cleanup.crashMessage {
          _ = Foundation.write(Cleanup.messageDescriptor, message, strlen(message))
        }
        _exit(Cleanup.crashStatus)
      }
    }
  }

  /// The exit status after a crash: a damaged file while one is read, else an internal error.
  nonisolated(unsafe) private static var crashStatus: Int32 = ExitStatus.failure.rawValue

  /// Where the crash message goes: stderr, or its saved copy while a file is read.
  nonisolated(unsafe) private static var messageDescriptor = STDERR_FILENO

  /// Says which file is being read (nil: none), for the message a crash prints. While a file
  /// is read, stderr points at /dev/null: glibc prints its own line ("free(): invalid size")
  /// before aborting on the heap damage a malformed file can make libhdf5 cause, and the one
  /// line the user gets is ours. Reading reports its errors by throwing, after this ends.
  static func reading(_ file: String?) {
    if file != nil, messageDescriptor == STDERR_FILENO {
      let saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY)
      if saved >= 0, null >= 0 {
        dup2(null, STDERR_FILENO)
        messageDescriptor = saved
      }
      if null >= 0 { close(null) }
    } else if file == nil, messageDescriptor != STDERR_FILENO {
      dup2(messageDescriptor, STDERR_FILENO)
      close(messageDescriptor)
      messageDescriptor = STDERR_FILENO
    }
    let text =
      file.map { "Error: \($0): the file is damaged: libhdf5 crashed or stopped responding reading it\n" }
      ?? "Error: internal error (a crash); please report it with the command that caused it\n"
    let previous = crashMessage
    crashMessage = strdup(text)
    crashStatus = file == nil ? ExitStatus.failure.rawValue : ExitStatus.dataError.rawValue
    free(previous)
  }

  /// Registers a temporary file; returns its slot for `forget`.
  static func remember(_ path: String) -> Int? {
    lock.withLock {
      guard let slot = (0..<capacity).first(where: { temporaries[$0] == nil }) else { return nil }
      temporaries[slot] = strdup(path)
      return slot
    }
  }

  /// The temporary file of `slot` was renamed or removed.
  static func forget(_ slot: Int?) {
    guard let slot else { return }
    lock.withLock {
      let path = temporaries[slot]
      temporaries[slot] = nil
      free(path)
    }
  }

  private static func removeTemporaries() {
    for slot in 0..<capacity { if let path = temporaries[slot] { unlink(path) } }
  }

  /// A reader closed the pipe: end as SIGPIPE would, with nothing on stderr.
  static func endQuietlyOnBrokenPipe() -> Never {
    removeTemporaries()
    signal(SIGPIPE, SIG_DFL)
    raise(SIGPIPE)
    _exit(128 + SIGPIPE)
  }
}
