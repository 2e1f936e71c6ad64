"""ensemble beside ONNX Runtime, Keras 3 on TensorFlow and tf_keras on the workloads W1–W5.

    make bench            # or: .venv/bin/python bench/run.py [--quick] [--only W2]

Workloads (bench/workloads.py builds them with real Keras, random weights): W1 the seed pair
merged with --weighted 0.1 (1,000,000 rows, and 32 rows for the cold start); W2 two CNNs,
W3 two wide MLPs, W4 two Embedding → LSTM models, W5 MobileNetV2 + ResNet50, each pair
merged with --average. Every contender runs the same merged file (ONNX through tf2onnx).

- ensemble is timed as a whole process (start, load, read .npy, predict, write .npy to
  stdout, which goes to /dev/null);
- ONNX Runtime (2 intra-op threads) by `session.run`, in process, at its best batch;
- Keras 3 (TensorFlow backend) by `predict` at its best batch, by `model(x)` and by a
  `tf.function` of the model, in process; tf_keras by `predict` at its best batch.
Rivals in process are favoured (no start, no load, no file I/O). Each contender's output is
checked against tf_keras's `predict` (1e-4) before its time counts. Times are the best of
`repeats` runs. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for every contender alike.

It prints samples/s, the ratio ensemble / best rival, ensemble's GFLOP/s and that as a share
of sgemm's peak on this machine (numpy's OpenBLAS, 2048² float32, all cores), the cold start
against Keras 3, and scaling (1 core against 2; 1M against 10M rows). JSON goes to
bench/results/compute.json (not committed). Each workload runs in its own process.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

for _name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_name, None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BINARY = os.path.join(ROOT, ".build", "release", "ensemble")
sys.path.insert(0, HERE)
import workloads  # noqa: E402


def best_time(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def batched(call, x, batch):
    """`call` over `x` (a list of arrays) in slices of `batch` rows, outputs stacked."""
    total = x[0].shape[0]
    return np.concatenate([np.asarray(call([a[i:i + batch] for a in x])) for i in range(0, total, batch)])


def sgemm_peak(threads):
    """GFLOP/s of a 2048² float32 product in numpy, on `threads` cores, the best of 3 runs."""
    code = ("import numpy as np, time; a = np.ones((2048, 2048), 'f4'); a @ a; t = time.perf_counter()\n"
            "for _ in range(5): a @ a\nprint(5 * 2 * 2048 ** 3 / (time.perf_counter() - t) / 1e9)")
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    return max(float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True).stdout)
               for _ in range(3))


def ensemble_time(model, paths, repeats, cores=None):
    """Seconds of a whole `ensemble predict` process writing .npy to stdout (/dev/null: a file
    would add the fsync before its rename, which no rival makes), and its output, from one
    more run writing a file."""
    prefix = [] if cores is None else ["taskset", "-c", cores]
    command = prefix + [BINARY, "predict", model, *sum((["--input", p] for p in paths), []), "--quiet"]
    out = paths[0] + ".ours.npy"
    subprocess.run(command + ["-o", out, "--force"], check=True, capture_output=True)
    seconds = best_time(lambda: subprocess.run(command + ["--format", "npy"], check=True,
                                               stdout=subprocess.DEVNULL), repeats)
    return seconds, np.load(out)


def onnx_session(model, inputs, folder, name):
    import onnxruntime
    import tensorflow as tf
    import tf2onnx
    spec = tuple(tf.TensorSpec((None,) + x.shape[1:], tf.as_dtype(x.dtype), name=f"in{i}")
                 for i, x in enumerate(inputs))

    @tf.function(input_signature=spec)
    def forward(*xs):
        return model(list(xs) if len(xs) > 1 else xs[0], training=False)

    proto, _ = tf2onnx.convert.from_function(forward, input_signature=spec, opset=17)
    path = os.path.join(folder, f"{name}.onnx")
    with open(path, "wb") as out:
        out.write(proto.SerializeToString())
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    return onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def rivals(merged, inputs, batches, repeats, folder, name):
    """{contender: (seconds, output)} at each contender's best batch, and the reference output."""
    import keras
    import tensorflow as tf
    import tf_keras
    old = tf_keras.models.load_model(merged, compile=False)
    reference = old.predict(inputs if len(inputs) > 1 else inputs[0], batch_size=256, verbose=0)
    found = {}

    def fastest(label, make_call):
        # The batch is chosen on the first tenth of the rows, then the whole input is timed.
        tenth = [x[:max(1, x.shape[0] // 10)] for x in inputs]
        trial = {b: best_time(make_call(b, tenth), 2) for b in batches}
        batch = min(trial, key=trial.get)
        call = make_call(batch, inputs)
        output = call()
        found[f"{label} (batch {batch})"] = (best_time(call, repeats), output)

    def whole(xs):
        return xs if len(xs) > 1 else xs[0]

    fastest("tf_keras predict", lambda b, xs: lambda: old.predict(whole(xs), batch_size=b, verbose=0))
    new = keras.models.load_model(merged, compile=False)
    fastest("Keras 3 predict", lambda b, xs: lambda: new.predict(whole(xs), batch_size=b, verbose=0))
    eager = (lambda xs: new(whole(xs), training=False))
    fastest("Keras 3 model(x)", lambda b, xs: lambda: batched(eager, xs, b))
    graph = tf.function(eager, reduce_retracing=True)
    fastest("Keras 3 tf.function", lambda b, xs: lambda: batched(graph, xs, b))
    session = onnx_session(old, inputs, folder, name)
    onnx = (lambda xs: session.run(None, {f"in{i}": x for i, x in enumerate(xs)})[0])
    fastest("ONNX Runtime, 2 threads", lambda b, xs: lambda: batched(onnx, xs, b))
    return found, reference


def flops_per_sample(merged):
    facts = subprocess.run([BINARY, "summary", "--json", merged], capture_output=True, check=True).stdout
    return json.loads(facts)["total_flops"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the samples, 2 repeats")
    parser.add_argument("--only", help="one workload, e.g. W2 (default: each in its own process, in turn)")
    parser.add_argument("--peak", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `make release` first")
    results = os.path.join(HERE, "results")
    os.makedirs(results, exist_ok=True)
    if args.only is None:
        # One process per workload: W5's rivals alone hold gigabytes that Python does not return.
        peak = {1: sgemm_peak(1), 2: sgemm_peak(os.cpu_count())}
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; OPENBLAS_* unset; "
              f"sgemm peak {peak[1]:.0f} GFLOP/s on 1 core, {peak[2]:.0f} on all", flush=True)
        report = {"peak_gflops": peak, "workloads": []}
        for name in ("W1", "W2", "W3", "W4", "W5"):
            subprocess.run([sys.executable, "-W", "ignore", __file__, "--only", name, "--peak", str(peak[2])]
                           + (["--quick"] if args.quick else []), check=True)
            with open(os.path.join(results, f"compute-{name}.json")) as part:
                found = json.load(part)
            report["workloads"] += found["workloads"]
            report.update({k: v for k, v in found.items() if k == "scaling"})
        with open(os.path.join(results, "compute.json"), "w") as out:
            json.dump(report, out, indent=1)
        return
    run_one(args.only, args.quick, float(args.peak) if args.peak else sgemm_peak(os.cpu_count()), results)


def run_one(name, quick, peak, results):
    repeats = 2 if quick else 3
    report = {"workloads": []}
    with tempfile.TemporaryDirectory() as folder:
        work = next(w for w in workloads.build(folder, BINARY, only=name))
        count = work["samples"] // (10 if quick else 1)
        inputs = [x[:count] for x in work["inputs"]]
        paths = []
        for index, x in enumerate(inputs):
            paths.append(os.path.join(folder, f"{name}_in{index}.npy"))
            np.save(paths[-1], x)
        found, reference = rivals(work["merged"], inputs, work["batches"], repeats, folder, name)
        ours, output = ensemble_time(work["merged"], paths, repeats)
        np.testing.assert_allclose(output, reference, rtol=1e-4, atol=1e-4)
        for label, (_, theirs) in found.items():
            np.testing.assert_allclose(theirs, reference, rtol=1e-4, atol=1e-4, err_msg=label)
        one_core, _ = ensemble_time(work["merged"], paths, 1, cores="0")
        flops = flops_per_sample(work["merged"])
        gflops = flops * count / ours / 1e9
        best_label = min(found, key=lambda k: found[k][0])
        report["workloads"].append({
            "workload": name, "samples": count, "flops_per_sample": flops, "ensemble_s": ours,
            "ensemble_1core_s": one_core, "gflops": gflops, "peak_share": gflops / peak,
            "rivals_s": {k: v[0] for k, v in found.items()}, "best_rival": best_label})
        print(f"\n{name} {work['title']}: {count:,} samples, {flops / 1e6:,.2f} MFLOP each")
        print(f"  {'ensemble (whole process)':34s} {count / ours:10,.0f} /s   {gflops:6.1f} GFLOP/s, "
              f"{100 * gflops / peak:.0f}% of sgemm peak; 1 core {count / one_core:,.0f} /s "
              f"({one_core / ours:.2f}× from 2 cores)")
        for label, (seconds, _) in sorted(found.items(), key=lambda kv: kv[1][0]):
            print(f"  {label:34s} {count / seconds:10,.0f} /s   ensemble {seconds / ours:5.2f}×"
                  + ("   ← best rival" if label == best_label else ""), flush=True)
        if name == "W1":
            report["scaling"] = cold_start_and_rows(work, folder, repeats)
    with open(os.path.join(results, f"compute-{name}.json"), "w") as out:
        json.dump(report, out, indent=1)


COLD_KERAS = """
import os, sys, numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
model = keras.models.load_model(sys.argv[1], compile=False)
y = model.predict([np.load(sys.argv[2]), np.load(sys.argv[3])], verbose=0)
np.savetxt(sys.argv[4], y, delimiter=",")
"""


def cold_start_and_rows(w1, folder, repeats):
    """W1: 32 rows to CSV as a fresh process, ensemble against Keras 3; then 1M against 10M rows."""
    small = []
    for index, x in enumerate(w1["inputs"]):
        small.append(os.path.join(folder, f"cold{index}.npy"))
        np.save(small[-1], x[:32])
    csv = os.path.join(folder, "cold.csv")
    ours = best_time(lambda: subprocess.run(
        [BINARY, "predict", w1["merged"], "--input", small[0], "--input", small[1], "-o", csv, "--force"],
        check=True), repeats)
    theirs = best_time(lambda: subprocess.run(
        [sys.executable, "-c", COLD_KERAS, w1["merged"], *small, csv], check=True), repeats)
    print(f"\ncold start (load W1's merged file, predict 32 rows, write CSV): ensemble {ours * 1000:.0f} ms, "
          f"Keras 3 {theirs:.2f} s: ensemble {theirs / ours:.0f}×")
    rows = {}
    for count in (1_000_000, 10_000_000):
        paths = []
        for index, x in enumerate(w1["inputs"]):
            paths.append(os.path.join(folder, f"rows{index}.npy"))
            np.save(paths[-1], np.tile(x, (count // x.shape[0], 1)))
        rows[count] = ensemble_time(w1["merged"], paths, 1)[0]
    print(f"rows (W1, .npy → .npy): 1M in {rows[1_000_000]:.2f} s, 10M in {rows[10_000_000]:.2f} s "
          f"({rows[10_000_000] / rows[1_000_000]:.1f}× the time for 10× the rows)")
    return {"cold_start_s": {"ensemble": ours, "keras3": theirs}, "rows_s": rows}


if __name__ == "__main__":
    main()
