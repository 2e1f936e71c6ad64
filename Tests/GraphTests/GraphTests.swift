import Graph
import XCTest
import _TestSupport

/// Graph building and execution; the kernels against naive loops are in KernelConformanceTests.
final class GraphTests: XCTestCase {
  func testTransposeMatchesIndexArithmetic() throws {
    let shape = [2, 3, 4]
    let x = (0..<24).map(Float.init)
    let graph = Graph()
    let input = graph.input(Shape([nil, 3, 4]))
    graph.outputs = [try graph.add(.transpose(perm: [0, 2, 1]), [input])]
    let out = try Executor(graph).run([Tensor(shape: shape, data: x)])
    XCTAssertEqual(out[0].shape, [2, 4, 3])
    for b in 0..<2 {
      for i in 0..<4 {
        for j in 0..<3 {
          XCTAssertEqual(out[0].data[b * 12 + i * 3 + j], x[b * 12 + j * 4 + i])
        }
      }
    }
  }

  func testMergeBroadcastsAndAverages() throws {
    let graph = Graph()
    let a = graph.input(Shape([nil, 2, 3]))
    let b = graph.input(Shape([nil, 1, 3]))
    graph.outputs = [try graph.add(.merge(.average), [a, b])]
    let out = try Executor(graph).run([
      Tensor(shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6]), Tensor(shape: [1, 1, 3], data: [10, 20, 30]),
    ])
    XCTAssertEqual(out[0].data, [5.5, 11, 16.5, 7, 12.5, 18])
  }

  func testShapeErrorsSayWhy() {
    let graph = Graph()
    let a = graph.input(Shape([nil, 10]))
    let b = graph.input(Shape([nil, 3]))
    XCTAssertThrowsError(try graph.add(.merge(.add), [a, b])) { error in
      XCTAssertEqual("\(error)", "Add cannot take (None, 10) and (None, 3): dimension 1 differs")
    }
    XCTAssertThrowsError(
      try graph.add(.concat(axis: 1), [graph.input(Shape([nil, 2, 3])), graph.input(Shape([nil, 4, 5]))])
    ) { error in
      XCTAssertTrue("\(error)".contains("dimension 2 differs, and only axis 1 may"), "\(error)")
    }
  }

  func testBuffersAreReusedWithoutCorruptingResults() throws {
    // A chain long enough that slots are recycled; the result must equal the arithmetic.
    let graph = Graph()
    var value = graph.input(Shape([nil, 4]))
    let input = value
    for _ in 0..<6 { value = try graph.add(.activation(.relu(max: nil, slope: 0, threshold: 0)), [value]) }
    let sum = try graph.add(.merge(.add), [value, input])
    graph.outputs = [sum, value]
    let executor = Executor(graph)
    for _ in 0..<2 {
      let out = try executor.predict([Tensor(shape: [3, 4], data: (0..<12).map { Float($0) - 6 })], batchSize: 2)
      XCTAssertEqual(out[0].data, (0..<12).map { Float($0) - 6 + max(Float($0) - 6, 0) })
    }
  }
}

final class ReshapeTests: XCTestCase {
  func testReshapeKeepsCOrder() throws {
    let graph = Graph()
    let input = graph.input(Shape([nil, 2, 3]))
    graph.outputs = [try graph.add(.reshape(target: [3, 2]), [input])]
    let out = try Executor(graph).run([Tensor(shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6])])
    XCTAssertEqual(out[0], Tensor(shape: [1, 3, 2], data: [1, 2, 3, 4, 5, 6]))
  }
}

final class MemoryLimitTests: XCTestCase {
  /// A batch whose activations cannot fit in memory is refused before anything is allocated
  /// (here 10×10 inputs upsampled 2000×2000 times: 1.6 GB a sample).
  func testBatchesLargerThanMemoryAreRefused() throws {
    let graph = Graph()
    let input = graph.input(Shape([nil, 10, 10, 1]))
    graph.outputs = [try graph.add(.upsample(factors: [2000, 2000]), [input])]
    let rows = 64
    let x = Tensor(shape: [rows, 10, 10, 1], data: [Float](repeating: 1, count: rows * 100))
    XCTAssertThrowsError(try Executor(graph).predict([x], batchSize: rows)) { error in
      XCTAssertTrue("\(error)".contains("more than half of this machine's memory"), "\(error)")
    }
  }
}
