import ArgumentParser
import Foundation
import JSON
import Keras
import Merge

/// `ensemble check MODEL… [MODE]`: would these run? Every problem at once, before any work.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Say whether models would run (and merge), listing every problem at once.",
    discussion: """
      Reads each file's config first: its format and Keras version, and every layer ensemble \
      cannot run, with the layer's name, class and the reason. A file whose config is clean is \
      then read whole and built, which finds what only the weights show. With a merge MODE, \
      the merge is built too, which finds shapes a mode cannot combine. Exit 0 \
      when everything would run, 65 when something would not. Fast enough for a folder: \
      ensemble check models/*.h5.
      """)

  @OptionGroup var models: ModelArguments

  @Flag(help: "Print one JSON object instead of lines.")
  var json = false

  func run() throws {
    var reports: [(path: String, preflight: Preflight?, problems: [String])] = []
    for (index, path) in models.models.enumerated() {
      let architecture = try models.architecture(index)
      do {
        let preflight = try Preflight.read(path, architecture: architecture)
        var problems = preflight.problems.map { "layer '\($0.layer)' (\($0.className)): \($0.reason)" }
        if problems.isEmpty {
          do { _ = try models.member(index).model.build() } catch { problems.append(Self.text(error)) }
        }
        reports.append((path, preflight, problems))
      } catch {
        reports.append((path, nil, [Self.text(error)]))
      }
    }
    let everyModelRuns = reports.allSatisfy(\.problems.isEmpty)
    var mergeProblem: String?
    let merging = models.mode.given
    if merging, everyModelRuns {
      do { _ = try models.load(defaultMode: .average) } catch { mergeProblem = Self.text(error) }
    }
    let ok = everyModelRuns && mergeProblem == nil
    if json {
      let document = JSONValue.object([
        ("ok", .bool(ok)),
        (
          "models",
          .array(
            reports.map { report in
              .object([
                ("model", .string(report.path)),
                ("format", report.preflight.map { .string($0.format) } ?? .null),
                ("keras_version", report.preflight?.kerasVersion.map { .string($0) } ?? .null),
                ("layers", report.preflight.map { .number(Double($0.layers)) } ?? .null),
                ("problems", .array(report.problems.map { .string($0) })),
              ])
            })
        ),
        ("merge", merging ? (everyModelRuns ? (mergeProblem.map { .string($0) } ?? .string("ok")) : .null) : .null),
      ])
      try StandardStream.output.write(Data((document.text + "\n").utf8))
    } else {
      var lines: [String] = []
      for report in reports {
        let facts = report.preflight.map { "\($0.format), Keras \($0.kerasVersion ?? "unknown"), \($0.layers) layers" }
        guard let facts else {
          // Unreadable: the error names the file.
          lines += report.problems.map { "problem: " + $0 }
          continue
        }
        lines.append("\(report.path): \(facts)" + (report.problems.isEmpty ? ": ok" : ""))
        lines += report.problems.map { "  problem: " + $0 }
      }
      if merging, everyModelRuns { lines.append(mergeProblem.map { "merge: problem: " + $0 } ?? "merge: ok") }
      try StandardStream.output.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
    if !ok { throw ExitCode(ExitStatus.dataError.rawValue) }
  }

  /// An error as one line, without the "Error: " a failing command prints.
  private static func text(_ error: Error) -> String {
    (error as? MergeError)?.message(naming: MergeModeOptions.spelling) ?? "\(error)"
  }
}
