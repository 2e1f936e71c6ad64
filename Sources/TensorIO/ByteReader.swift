import Foundation

/// The bytes of an open file descriptor, read in order with `read(2)`: a regular file, a pipe,
/// a FIFO or a terminal alike, so a stream is consumed as it arrives and never held whole.
public final class ByteReader {
  public let name: String
  private let descriptor: Int32
  private let owned: Bool
  /// The file's size when it is a regular file (for progress), else nil.
  public let size: Int?
  /// Bytes read so far.
  public private(set) var offset = 0
  /// Bytes `peek` read that `read` hands out first.
  private var peeked: [UInt8] = []

  /// Reads `descriptor`; closes it when done if `owned`.
  public init(descriptor: Int32, name: String, owned: Bool) {
    self.descriptor = descriptor
    self.name = name
    self.owned = owned
    var info = stat()
    size = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
  }

  /// Bytes already in memory, read the same way.
  public init(bytes: [UInt8], name: String) {
    descriptor = -1
    self.name = name
    owned = false
    size = bytes.count
    peeked = bytes
  }

  deinit {
    if let mapping { munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count) }
    if owned { close(descriptor) }
  }

  private var mapping: UnsafeRawBufferPointer?

  /// The whole of a regular file, memory-mapped (read-only), so a reader can parse it where
  /// it lies; nil for a stream, bytes in memory or an empty file.
  public func mapped() -> UnsafeRawBufferPointer? {
    if let mapping { return mapping }
    guard descriptor >= 0, let size, size > 0,
      let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, descriptor, 0), address != MAP_FAILED
    else { return nil }
    madvise(address, size, MADV_SEQUENTIAL)
    mapping = UnsafeRawBufferPointer(start: address, count: size)
    return mapping
  }

  /// Whether a read would return at once (data waiting, or the end), for a stream: a reader
  /// then hands on the rows it has instead of waiting for a whole batch.
  public var hasDataWaiting: Bool {
    guard descriptor >= 0 else { return true }
    var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&request, 1, 0) > 0
  }

  /// Appends up to `count` bytes to `buffer`; returns how many (0 at the end).
  @discardableResult
  public func read(into buffer: inout [UInt8], count: Int) throws -> Int {
    let start = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: count))
    let got = try buffer.withUnsafeMutableBytes { raw in
      try readFully(UnsafeMutableRawBufferPointer(rebasing: raw[start...]), once: true)
    }
    buffer.removeLast(count - got)
    return got
  }

  /// The first `count` bytes (fewer when the data is shorter, or when a line end came first
  /// and no more is there yet), left to be read again: how a stream's format is told from its
  /// first bytes.
  public func peek(_ count: Int) throws -> [UInt8] {
    while peeked.count < count, !peeked.contains(10) || hasDataWaiting {
      var more = [UInt8](repeating: 0, count: count - peeked.count)
      let got = try more.withUnsafeMutableBytes { try system($0.baseAddress!, $0.count) }
      if got == 0 { break }
      peeked += more[0..<got]
    }
    return Array(peeked.prefix(count))
  }

  /// Fills `destination` completely, unless the data ends first (or, when `once`, after the
  /// first read that returns data, so a pipe's rows are handed on as they come); returns the
  /// bytes read.
  public func readFully(_ destination: UnsafeMutableRawBufferPointer, once: Bool = false) throws -> Int {
    var filled = 0
    if !peeked.isEmpty, destination.count > 0 {
      filled = min(peeked.count, destination.count)
      peeked.withUnsafeBytes { destination.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: filled) }
      peeked.removeFirst(filled)
    }
    while filled < destination.count, !(once && filled > 0) {
      let n = try system(destination.baseAddress! + filled, destination.count - filled)
      if n == 0 { break }
      filled += n
    }
    offset += filled
    return filled
  }

  /// One read(2), retried on EINTR.
  private func system(_ pointer: UnsafeMutableRawPointer, _ count: Int) throws -> Int {
    guard descriptor >= 0 else { return 0 }
    while true {
      let n = Foundation.read(descriptor, pointer, count)
      if n >= 0 { return n }
      guard errno == EINTR else {
        throw TensorIOError(file: name, "cannot read: \(String(cString: strerror(errno)))")
      }
    }
  }
}
