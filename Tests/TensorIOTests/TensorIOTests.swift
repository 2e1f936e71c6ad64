import Foundation
import Graph
import TensorIO
import XCTest
import _TestSupport

final class TensorIOTests: XCTestCase {
  func testReadsNumpyFloatAndIntegerFiles() throws {
    let floats = try Fixtures.npy("expected/k2_mlp.input0.npy")
    XCTAssertEqual(floats.shape, [16, 6])
    let ids = try Fixtures.npy("expected/k2_embedding.input0.npy")
    XCTAssertEqual(ids.shape, [16, 7])
    XCTAssertTrue(ids.data.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 < 20 })
  }

  func testNpyWriteReadRoundTrip() throws {
    let tensor = Tensor(shape: [2, 3], data: [1, -2, 3.5, 0, 1e-7, 42])
    XCTAssertEqual(try NPY.read(NPY.write(tensor)), tensor)
    let vector = Tensor(shape: [3], data: [1, 2, 3])
    XCTAssertEqual(try NPY.read(NPY.write(vector)), vector)
  }

  func testCSVSkipsHeaderAndChecksWidth() throws {
    let tensor = try CSV.read("a,b,c,d\n1,2,3,4\n5,6,7,8\n", featureShape: [2, 2])
    XCTAssertEqual(tensor, Tensor(shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8]))
    XCTAssertThrowsError(try CSV.read("1,2,3\n", featureShape: [4], file: "x.csv")) { error in
      XCTAssertEqual("\(error)", "x.csv: row 1 has 3 values, the model input [4] needs 4")
    }
  }

  func testCSVWithOnlyAHeaderIsAnError() {
    XCTAssertThrowsError(try CSV.read("1,2,x\n", featureShape: [3], file: "x.csv")) { error in
      XCTAssertEqual(
        "\(error)", "x.csv: no data rows (the only row, '1,2,x', is not all numbers, so it was read as a header)")
    }
    XCTAssertThrowsError(try CSV.read("\n", featureShape: [3], file: "x.csv"))
  }

  func testCSVWritesSeveralOutputsWithAHeader() {
    let a = Tensor(shape: [2, 1], data: [1, 2]), b = Tensor(shape: [2, 2], data: [3, 4, 5, 6])
    XCTAssertEqual(CSV.write([("a", a), ("b", b)]), "a[0],b[0],b[1]\n1.0,3.0,4.0\n2.0,5.0,6.0\n")
    XCTAssertEqual(CSV.write([("a", a)]), "1.0\n2.0\n")
  }
}
