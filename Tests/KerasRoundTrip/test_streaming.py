"""predict as a streaming filter, through the release binary: every input format and source
(files, stdin, /dev/fd, FIFOs), the header rule, every output format and flag, rows leaving
before the input ends, flat memory over 10 million rows, checks made before any row is read,
and the same rows through GNU parallel and Apache Spark. Expected values come from Keras
(tf_keras loading the same files) and numpy."""
import io
import json
import os
import select
import shutil
import subprocess
import sys

import h5py
import numpy as np
import pytest

from conftest import RELEASE, fixture

A, B = fixture("models/k2_seed_a.h5"), fixture("models/k2_seed_b.h5")


def ensemble(*args, stdin=None, check=True):
    result = subprocess.run([RELEASE, *args], input=stdin, capture_output=True)
    if check and result.returncode != 0:
        raise AssertionError(f"ensemble {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()}")
    return result


def csv_rows(data):
    return np.loadtxt(io.StringIO(data.decode()), delimiter=",", ndmin=2, dtype=np.float32)


@pytest.fixture(scope="module")
def seed(tf_keras):
    """200 rows for each seed model, and Keras's predictions of a, b and 0.1·a + 0.9·b."""
    rng = np.random.default_rng(11)
    xa, xb = rng.normal(size=(200, 5)).astype("float32"), rng.normal(size=(200, 7)).astype("float32")
    pa = tf_keras.models.load_model(A, compile=False).predict(xa, verbose=0)
    pb = tf_keras.models.load_model(B, compile=False).predict(xb, verbose=0)
    return {"xa": xa, "xb": xb, "pa": pa, "pb": pb, "merged": 0.1 * pa + 0.9 * pb}


def test_every_input_format_and_source_gives_keras_numbers(tmp_path, seed):
    xa = seed["xa"]
    paths = {}
    paths["npy"] = str(tmp_path / "x.npy")
    np.save(paths["npy"], xa)
    paths["csv"] = str(tmp_path / "x.csv")
    np.savetxt(paths["csv"], xa, delimiter=",", fmt="%.9g")
    paths["tsv"] = str(tmp_path / "x.tsv")
    np.savetxt(paths["tsv"], xa, delimiter="\t", fmt="%.9g")
    paths["semicolon"] = str(tmp_path / "x_semicolon.csv")
    np.savetxt(paths["semicolon"], xa, delimiter=";", fmt="%.9g")
    paths["blanks"] = str(tmp_path / "x.txt")
    np.savetxt(paths["blanks"], xa)
    paths["jsonl"] = str(tmp_path / "x.jsonl")
    with open(paths["jsonl"], "w") as f:
        f.writelines(json.dumps(row.tolist()) + "\n" for row in xa.astype("float64"))
    paths["npz"] = str(tmp_path / "x.npz")
    np.savez(paths["npz"], xa)
    with h5py.File(tmp_path / "data.h5", "w") as f:
        f.create_dataset("group/x", data=xa.astype("float64"))
    paths["h5"] = str(tmp_path / "data.h5") + ":/group/x"
    for name, path in paths.items():
        out = csv_rows(ensemble("predict", A, "--input", path).stdout)
        np.testing.assert_allclose(out, seed["pa"], atol=1e-4, err_msg=name)
    # Streams: stdin (format sniffed, for text and .npy), /dev/fd, a FIFO, a file with no extension.
    for path in (paths["csv"], paths["npy"], paths["jsonl"], paths["blanks"]):
        with open(path, "rb") as f:
            out = csv_rows(ensemble("predict", A, "--input", "-", stdin=f.read()).stdout)
        np.testing.assert_allclose(out, seed["pa"], atol=1e-4, err_msg=f"stdin {path}")
    shell = subprocess.run(["bash", "-c", f'"$0" predict "$1" --input <(cat "$2")', RELEASE, A, paths["csv"]],
                           capture_output=True, check=True)
    np.testing.assert_allclose(csv_rows(shell.stdout), seed["pa"], atol=1e-4)
    fifo = str(tmp_path / "fifo")
    os.mkfifo(fifo)
    writer = subprocess.Popen(["bash", "-c", f'cat "$0" > "$1"', paths["npy"], fifo])
    out = csv_rows(ensemble("predict", A, "--input", fifo).stdout)
    writer.wait()
    np.testing.assert_allclose(out, seed["pa"], atol=1e-4)
    bare = str(tmp_path / "rows")
    shutil.copy(paths["tsv"], bare)
    np.testing.assert_allclose(csv_rows(ensemble("predict", A, "--input", bare).stdout), seed["pa"], atol=1e-4)


def test_several_inputs_from_one_source(tmp_path, seed):
    merged = seed["merged"]
    both = np.concatenate([seed["xa"], seed["xb"]], axis=1)
    side_by_side = str(tmp_path / "both.csv")
    np.savetxt(side_by_side, both, delimiter=",", fmt="%.9g")
    out = csv_rows(ensemble("predict", "--weighted", "0.1", A, B, "--input", side_by_side).stdout)
    np.testing.assert_allclose(out, merged, atol=1e-4)
    # npz members by input name, stored in the other order.
    archive = str(tmp_path / "named.npz")
    np.savez(archive, in_b=seed["xb"], in_a=seed["xa"])
    out = csv_rows(ensemble("predict", "--weighted", "0.1", A, B, "--input", archive).stdout)
    np.testing.assert_allclose(out, merged, atol=1e-4)
    # JSON Lines objects by input name.
    lines = "".join(json.dumps({"in_b": b.tolist(), "in_a": a.tolist()}) + "\n"
                    for a, b in zip(seed["xa"].astype("float64"), seed["xb"].astype("float64")))
    out = csv_rows(ensemble("predict", "--weighted", "0.1", A, B, "--input", "-", stdin=lines.encode()).stdout)
    np.testing.assert_allclose(out, merged, atol=1e-4)


def test_the_header_rule_and_its_overrides(tmp_path, seed):
    xa = seed["xa"][:16]
    body = "\n".join(",".join(repr(float(v)) for v in row) for row in xa) + "\n"
    pandas_header = "0,1,2,3,4\n" + body
    named = "\ufeff" + "f0,f1,f2,f3,f4\n" + body
    for text in (pandas_header, named, body):
        result = ensemble("predict", A, "--input", "-", "--verbose", stdin=text.encode())
        np.testing.assert_allclose(csv_rows(result.stdout), seed["pa"][:16], atol=1e-4)
        assert ("skipped the header line" in result.stderr.decode()) == (text is not body)
    # --no-header: the header is data, and its bad cell is named by line and column.
    refused = ensemble("predict", A, "--input", "-", "--no-header", stdin=named.encode(), check=False)
    assert refused.returncode == 65
    assert "line 1, column 1: 'f0' is not a number" in refused.stderr.decode()
    # --header drops a first line the rule would keep.
    out = csv_rows(ensemble("predict", A, "--input", "-", "--header", stdin=body.encode()).stdout)
    np.testing.assert_allclose(out, seed["pa"][1:16], atol=1e-4)
    # N/A and ? are data errors at their line, never silently dropped; quoted numbers are read.
    bad = body.split("\n")
    bad[3] = bad[3].replace(bad[3].split(",")[2], "N/A", 1)
    refused = ensemble("predict", A, "--input", "-", stdin="\n".join(bad).encode(), check=False)
    assert refused.returncode == 65 and "line 4, column 3: 'N/A' is not a number" in refused.stderr.decode()
    quoted = "\n".join(",".join(f'"{float(v)!r}"' for v in row) for row in xa) + "\n"
    np.testing.assert_allclose(csv_rows(ensemble("predict", A, "--input", "-", stdin=quoted.encode()).stdout),
                               seed["pa"][:16], atol=1e-4)


def test_every_output_format_and_flag(tmp_path, seed):
    x = str(tmp_path / "x.npy")
    np.save(x, seed["xa"])
    p = seed["pa"]
    for fmt in ("csv", "tsv"):
        text = ensemble("predict", A, "--input", x, "--format", fmt).stdout.decode()
        np.testing.assert_allclose(np.loadtxt(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"), p, atol=1e-4)
    out = ensemble("predict", A, "--input", x, "--format", "npy").stdout
    np.testing.assert_allclose(np.load(io.BytesIO(out)), p, atol=1e-4)
    # .npy to a regular file from text input (row count unknown until the end: header rewritten).
    csv = str(tmp_path / "x.csv")
    np.savetxt(csv, seed["xa"], delimiter=",", fmt="%.9g")
    ensemble("predict", A, "--input", csv, "-o", str(tmp_path / "p.npy"))
    np.testing.assert_allclose(np.load(tmp_path / "p.npy"), p, atol=1e-4)
    ensemble("predict", A, "--input", csv, "-o", str(tmp_path / "p.npz"))
    np.testing.assert_allclose(np.load(tmp_path / "p.npz")["a_out"], p, atol=1e-4)
    document = json.loads(ensemble("predict", A, "--input", x, "--format", "json").stdout)
    np.testing.assert_allclose(document["a_out"], p, atol=1e-4)
    rows = [json.loads(line) for line in ensemble("predict", A, "--input", x, "--format", "ndjson").stdout.splitlines()]
    np.testing.assert_allclose(rows, p, atol=1e-4)
    # Shortest round-trip floats by default: every written value reads back as the float32 computed.
    exact = csv_rows(ensemble("predict", A, "--input", x).stdout)
    np.testing.assert_array_equal(exact, np.load(io.BytesIO(out)))
    short = ensemble("predict", A, "--input", x, "--precision", "3").stdout.decode()
    assert all(len(v.lstrip("-").replace(".", "").split("e")[0].lstrip("0")) <= 3 for v in short.split()[0].split(","))
    np.testing.assert_allclose(np.loadtxt(io.StringIO(short), delimiter=","), p, rtol=6e-3)

    # --argmax, --top-k, --labels: numpy's argmax and a stable descending sort.
    classes = ensemble("predict", A, "--input", x, "--argmax").stdout.decode().split()
    np.testing.assert_array_equal(np.array(classes, dtype=int), p.argmax(1))
    top = np.loadtxt(io.StringIO(ensemble("predict", A, "--input", x, "--top-k", "3").stdout.decode()),
                     delimiter=",", skiprows=1)
    order = np.argsort(-p, axis=1, kind="stable")[:, :3]
    np.testing.assert_array_equal(top[:, :3].astype(int), order)
    np.testing.assert_allclose(top[:, 3:], np.take_along_axis(p, order, 1), atol=1e-4)
    names = [f"class {i}" for i in range(10)]
    (tmp_path / "labels.txt").write_text("\n".join(names) + "\n")
    labelled = ensemble("predict", A, "--input", x, "--argmax", "--labels", str(tmp_path / "labels.txt"),
                        "--format", "ndjson").stdout.splitlines()
    assert [json.loads(v) for v in labelled] == [names[i] for i in p.argmax(1)]
    wrong = tmp_path / "nine.txt"
    wrong.write_text("\n".join(names[:9]))
    refused = ensemble("predict", A, "--input", x, "--argmax", "--labels", str(wrong), check=False)
    assert refused.returncode == 65 and "9 labels, the output has 10 classes" in refused.stderr.decode()

    # --members: each member's own predictions beside the merged ones.
    y = str(tmp_path / "y.npy")
    np.save(y, seed["xb"])
    archive = np.load(io.BytesIO(ensemble("predict", "--weighted", "0.1", A, B, "--input", x, "--input", y,
                                          "--members", "--format", "npz").stdout))
    assert archive.files == ["ensemble_weighted", "k2_seed_a.h5", "k2_seed_b.h5"]
    np.testing.assert_allclose(archive["ensemble_weighted"], seed["merged"], atol=1e-4)
    np.testing.assert_allclose(archive["k2_seed_a.h5"], seed["pa"], atol=1e-4)
    np.testing.assert_allclose(archive["k2_seed_b.h5"], seed["pb"], atol=1e-4)
    # An unknown extension is a usage error before any work.
    refused = ensemble("predict", A, "--input", x, "-o", str(tmp_path / "p.parquet"), check=False)
    assert refused.returncode == 64 and not (tmp_path / "p.parquet").exists()


def test_rows_leave_before_the_input_ends():
    process = subprocess.Popen([RELEASE, "predict", A, "--input", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        # One line, starting with 0 as pandas' column names do: nothing waits for a second one.
        process.stdin.write(b"0.1,0.2,0.3,0.4,0.5\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "no output while the input stays open"
        first = process.stdout.readline()
        assert len(first.split(b",")) == 10
    finally:
        process.stdin.close()
        rest = process.stdout.read()
        process.wait()
    assert process.returncode == 0 and rest == b""


def test_ten_million_rows_from_stdin_in_flat_memory(tmp_path):
    """.npy on stdin, generated as it is read: the peak resident memory stays under 100 MB."""
    rows, chunk = 10_000_000, 500_000
    header = np.lib.format.header_data_from_array_1_0(np.zeros((rows, 5), "float32"))
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    script = (
        "import sys, numpy as np\n"
        f"sys.stdout.buffer.write({buffer.getvalue()!r})\n"
        "rng = np.random.default_rng(0)\n"
        f"for _ in range({rows // chunk}): sys.stdout.buffer.write(rng.normal(size=({chunk}, 5)).astype('<f4').tobytes())\n")
    out, peak = str(tmp_path / "p.npy"), str(tmp_path / "peak")
    producer = subprocess.Popen(["python3", "-c", script], stdout=subprocess.PIPE)
    # GNU time reports the process's own peak; a child forked from this (large) Python process
    # would count the parent's pages from before its exec.
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", peak, RELEASE, "predict", A, "--input", "-", "-o", out],
                   stdin=producer.stdout, check=True)
    producer.stdout.close()
    producer.wait()
    assert np.load(out, mmap_mode="r").shape == (rows, 10)
    peak_kb = int(open(peak).read().split()[-1])
    assert peak_kb < 100 * 1024, f"peak {peak_kb} KB"


def test_every_check_happens_before_the_first_row_is_read(tmp_path):
    existing = tmp_path / "out.csv"
    existing.write_text("keep me\n")
    # stdin stays open and empty: a check made after reading would hang, not fail.
    for args, status in (
            (["-o", str(existing)], 73),
            (["-o", str(tmp_path / "out.parquet")], 64),
            (["--format", "npy", "--top-k", "2"], 64),
    ):
        process = subprocess.Popen([RELEASE, "predict", A, "--input", "-", *args], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert process.wait(timeout=20) == status, args
        finally:
            process.kill()
            process.stdin.close()
    assert existing.read_text() == "keep me\n"


def large_csv(tmp_path, rows):
    x = np.random.default_rng(5).normal(size=(rows, 5)).astype("float32")
    path = str(tmp_path / "large.csv")
    np.savetxt(path, x, delimiter=",", fmt="%.8g")
    return path


@pytest.mark.skipif(shutil.which("parallel") is None, reason="GNU parallel is installed by make deps")
def test_gnu_parallel_equals_a_single_run(tmp_path):
    path = large_csv(tmp_path, 200_000)
    single = ensemble("predict", A, "--input", path).stdout
    with open(path, "rb") as f:
        split = subprocess.run(["parallel", "--pipe", "--keep-order", "--block", "1M", RELEASE, "predict", A,
                                "--input", "-"], stdin=f, capture_output=True, check=True).stdout
    assert split.count(b"\n") == 200_000
    assert split == single


def test_spark_pipe_equals_a_single_run(tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Java is installed by make deps")
    from pyspark import SparkFiles
    from pyspark.sql import SparkSession
    os.environ["PYSPARK_PYTHON"] = sys.executable
    path = large_csv(tmp_path, 20_000)
    single = ensemble("predict", A, "--input", path).stdout.decode().splitlines()
    spark = SparkSession.builder.master("local[2]").appName("ensemble-test").config(
        "spark.ui.enabled", "false").getOrCreate()
    try:
        context = spark.sparkContext
        lines = context.textFile(path, minPartitions=4)
        assert lines.getNumPartitions() >= 4
        local = lines.pipe(f"{RELEASE} predict {A} --input -").collect()
        assert local == single
        # As a cluster would: the binary and the model shipped to every executor with the job.
        context.addFile(RELEASE)
        context.addFile(A)

        def shipped(rows):
            import os as worker_os
            import subprocess as worker_subprocess
            binary, model = SparkFiles.get("ensemble"), SparkFiles.get("k2_seed_a.h5")
            worker_os.chmod(binary, 0o755)
            data = "".join(row + "\n" for row in rows).encode()
            out = worker_subprocess.run([binary, "predict", model, "--input", "-"], input=data, capture_output=True,
                                        check=True)
            return out.stdout.decode().splitlines()

        assert lines.mapPartitions(shipped).collect() == single
    finally:
        spark.stop()
