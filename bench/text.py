"""The text path and the streaming filter beside pandas, pyarrow and numpy, on the same files.

    .venv/bin/python bench/text.py      # (make bench runs it too)

Reading: 1,000,000 rows × 5 float32 values as CSV (numpy's '%.9g'); writing: the same values
as CSV. ensemble runs an identity model (Input 5 → linear Activation, saved by tf_keras) as a
whole process, `--input big.csv --format npy -o /dev/null` to read and `--input big.npy -o
/dev/null` (CSV) to write (a regular file would add an fsync the rivals do not make), on
both cores and pinned to one (taskset), so a per-core figure is shown; the rivals are timed in
process (which favours them); `--timing`'s reading part gives ensemble's own in-process figure
beside theirs. Then the streaming figures of the seed model: time to the first
output row on a pipe, and 10 million CSV rows from stdin with the peak resident memory.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every contender. Best of 7 runs (this
machine varies by ±15% from run to run)."""
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(name, None)
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "ensemble")
SEED = os.path.join(ROOT, "fixtures", "models", "k2_seed_a.h5")


def best(function, runs=7):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def run(args, cores=None, **kwargs):
    prefix = ["taskset", "-c", cores] if cores else []
    subprocess.run(prefix + [BINARY, *args], check=True, stdout=subprocess.DEVNULL, **kwargs)


def reading(args, runs=7):
    """The least time ensemble's `--timing` says it spent reading and parsing its input, in
    process as the rivals are timed."""
    times = []
    for _ in range(runs):
        stderr = subprocess.run([BINARY, *args, "--timing"], check=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True).stderr
        times.append(float(re.search(r"reading ([0-9.]+) s", stderr).group(1)))
    return min(times)


def main():
    import pandas as pd
    import pyarrow.csv as pacsv
    import tf_keras as keras
    with tempfile.TemporaryDirectory() as folder:
        identity = os.path.join(folder, "identity.h5")
        keras.Sequential([keras.Input((5,)), keras.layers.Activation("linear")]).save(identity)
        x = np.random.default_rng(0).normal(size=(1_000_000, 5)).astype("float32")
        big_npy, big_csv = os.path.join(folder, "big.npy"), os.path.join(folder, "big.csv")
        np.save(big_npy, x)
        np.savetxt(big_csv, x, delimiter=",", fmt="%.9g")
        size_in = os.path.getsize(big_csv) / 1e6
        out_csv = os.path.join(folder, "out.csv")
        # The written CSV is ensemble's own (shortest round-trip); its size measures every writer.
        run(["predict", identity, "--input", big_npy, "-o", out_csv, "--force"])
        size_out = os.path.getsize(out_csv) / 1e6
        assert np.array_equal(np.load(io.BytesIO(subprocess.run(
            [BINARY, "predict", identity, "--input", out_csv, "--format", "npy"], capture_output=True,
            check=True).stdout)), x), "ensemble's CSV does not read back exactly"

        print(f"read CSV: {size_in:.1f} MB, 1,000,000 rows × 5 (MB/s; ratio = ensemble / rival)")
        reads = {
            "ensemble, 2 cores": best(lambda: run(["predict", identity, "--input", big_csv, "--format", "npy",
                                                    "-o", "/dev/null"])),
            "ensemble, 1 core": best(lambda: run(["predict", identity, "--input", big_csv, "--format", "npy",
                                                   "-o", "/dev/null"], cores="0")),
            "ensemble, its reading only": reading(["predict", identity, "--input", big_csv, "--format", "npy",
                                                   "-o", "/dev/null"]),
            "pandas read_csv (C engine)": best(lambda: pd.read_csv(big_csv, header=None, dtype="float32")),
            "pandas read_csv (defaults)": best(lambda: pd.read_csv(big_csv)),
            "pyarrow csv.read_csv": best(lambda: pacsv.read_csv(
                big_csv, read_options=pacsv.ReadOptions(autogenerate_column_names=True))),
            "numpy loadtxt": best(lambda: np.loadtxt(big_csv, delimiter=",", dtype="float32"), runs=1),
        }
        report(reads, size_in)

        print(f"\nwrite CSV: {size_out:.1f} MB, the same rows")
        frame = pd.DataFrame(x)
        import pyarrow as pa
        table = pa.table({str(i): x[:, i] for i in range(5)})
        writes = {
            "ensemble, 2 cores": best(lambda: run(["predict", identity, "--input", big_npy, "-o", "/dev/null"])),
            "ensemble, 1 core": best(lambda: run(["predict", identity, "--input", big_npy, "-o", "/dev/null"],
                                                  cores="0")),
            "pandas to_csv": best(lambda: frame.to_csv(os.path.join(folder, "p.csv"), index=False, header=False),
                                  runs=1),
            "pyarrow csv.write_csv": best(lambda: pacsv.write_csv(table, os.path.join(folder, "a.csv"))),
            "numpy savetxt": best(lambda: np.savetxt(os.path.join(folder, "n.csv"), x, delimiter=",", fmt="%.9g"),
                                  runs=1),
        }
        report(writes, size_out)

        print("\nstreaming, the seed model k2_seed_a")
        process = subprocess.Popen([BINARY, "predict", SEED, "--input", "-"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE)
        start = time.perf_counter()
        process.stdin.write(b"0.1,0.2,0.3,0.4,0.5\n")
        process.stdin.flush()
        process.stdout.readline()
        first = time.perf_counter() - start
        process.stdin.close()
        process.wait()
        print(f"  first output row on a pipe, the input still open: {first * 1000:.1f} ms")
        ten = os.path.join(folder, "ten.csv")
        with open(ten, "wb") as f:
            for _ in range(10):
                shutil.copyfileobj(open(big_csv, "rb"), f)
        peak = os.path.join(folder, "peak")
        start = time.perf_counter()
        with open(ten, "rb") as f:
            # GNU time gives ensemble's own peak (a child forked from this Python would count ours).
            subprocess.run(["bash", "-c", f'cat | /usr/bin/time -f %M -o "{peak}" "{BINARY}" predict "{SEED}" '
                            '--input - > /dev/null'], stdin=f, check=True)
        elapsed = time.perf_counter() - start
        peak_mb = int(open(peak).read().split()[-1]) / 1024
        print(f"  10,000,000 CSV rows ({os.path.getsize(ten) / 1e6:.0f} MB) stdin → CSV stdout: {elapsed:.2f} s, "
              f"ensemble's peak {peak_mb:.0f} MB resident")


def report(times, megabytes):
    """Each contender's time and MB/s; beside each rival, how many times faster ensemble is as a
    whole process on 2 cores, and (when measured) counting only its reading, in process as the
    rivals are."""
    ours, inside = times["ensemble, 2 cores"], times.get("ensemble, its reading only")
    for name, seconds in times.items():
        ratio = ""
        if not name.startswith("ensemble"):
            ratio = f"   ensemble ×{seconds / ours:.2f} whole" + (f", ×{seconds / inside:.2f} reading" if inside else "")
        print(f"  {name:28s} {seconds:6.3f} s {megabytes / seconds:7.0f} MB/s{ratio}")


if __name__ == "__main__":
    sys.exit(main())
