import Foundation

/// How `summary --graph` writes its picture: DOT text, or SVG and PNG rendered by Graphviz.
enum GraphFormat: String {
  case dot, svg, png

  /// The format a file name implies, if any.
  init?(path: String) {
    self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
  }

  /// The bytes to write: the DOT text itself, or what `dot -T<format>` makes of it.
  func render(_ text: String) throws -> Data {
    guard self != .dot else { return Data(text.utf8) }
    let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    guard let dot = paths.map({ "\($0)/dot" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
      throw CLIError(
        "Graphviz's dot is not installed, so \(rawValue) cannot be rendered: apt-get install graphviz "
          + "(make deps does), or write -o FILE.dot", status: .failure)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: dot)
    process.arguments = ["-T\(rawValue)"]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    (process.standardInput, process.standardOutput, process.standardError) = (input, output, errors)
    try process.run()
    // Graphviz reads everything before it writes, so writing all first cannot deadlock.
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let rendered = output.fileHandleForReading.readDataToEndOfFile()
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CLIError(
        "dot -T\(rawValue) failed: \(message.trimmingCharacters(in: .whitespacesAndNewlines))", status: .failure)
    }
    return rendered
  }
}
