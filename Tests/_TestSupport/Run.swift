import Foundation

/// The result of running the `ensemble` binary.
public struct RunResult {
  public let status: Int32
  public let stdout: Data
  public let stderr: String
  public var output: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs the built `ensemble` with `arguments`, feeding `stdin`, as a user's shell would.
/// Stderr goes through a file so a full pipe can never stall the child.
public func runEnsemble(_ arguments: [String], stdin: Data? = nil, cwd: URL? = nil) throws -> RunResult {
  let process = Process()
  process.executableURL = Fixtures.binary
  process.arguments = arguments
  if let cwd { process.currentDirectoryURL = cwd }
  let folder = try Fixtures.temporaryDirectory()
  defer { try? FileManager.default.removeItem(at: folder) }
  let errURL = folder.appendingPathComponent("stderr")
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let errHandle = try FileHandle(forWritingTo: errURL)
  let out = Pipe(), input = Pipe()
  process.standardOutput = out
  process.standardError = errHandle
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(stdin) }
  try input.fileHandleForWriting.close()
  let outData = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  try errHandle.close()
  let errText = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
  return RunResult(status: process.terminationStatus, stdout: outData, stderr: errText)
}
