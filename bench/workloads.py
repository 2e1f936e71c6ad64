"""The benchmark workloads W1–W5 as Keras files, with random weights, and their FLOPs per
sample as `ensemble summary` counts them (each pair merged with --average; W1 with
--weighted 0.1):
    .venv/bin/python bench/workloads.py OUT_FOLDER
W1 the seed pair; W2 two CNNs (Conv 32, Conv 64, Dense 128) on 28×28; W3 two wide MLPs
(784 → 2048 → 2048 → 10); W4 two Embedding(20000, 64) → LSTM(128) → Dense(5) on 50 tokens;
W5 MobileNetV2 and ResNet50 (Keras Applications, weights=None) on 224×224."""
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tf_keras as keras  # noqa: E402

L = keras.layers
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cnn(name):
    return keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(32, 3, activation="relu"), L.Conv2D(64, 3, activation="relu"),
        L.MaxPooling2D(), L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10, activation="softmax"),
    ], name=name)


def mlp(name):
    return keras.Sequential([keras.Input((784,)), L.Dense(2048, activation="relu"), L.Dense(2048, activation="relu"),
                             L.Dense(10, activation="softmax")], name=name)


def lstm(name):
    return keras.Sequential([keras.Input((50,), dtype="int32"), L.Embedding(20000, 64), L.LSTM(128),
                             L.Dense(5, activation="softmax")], name=name)


def build(out, binary, only=None):
    """Writes W1–W5, or the workload `only` (each member, and the pair merged by `binary`)
    under `out`; one dict per workload: name, title, merged path, inputs (numpy arrays),
    samples, rival batch sizes, the merge's arguments."""
    import numpy as np
    os.makedirs(out, exist_ok=True)
    makers = {"W2": cnn, "W3": mlp, "W4": lstm}
    for tag in "ab":
        for name, make in makers.items():
            if only in (None, name):
                make(f"{name.lower()}_{tag}").save(os.path.join(out, f"{name.lower()}_{tag}.h5"))
    if only in (None, "W5"):
        keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3)).save(os.path.join(out, "w5_a.h5"))
        keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3)).save(os.path.join(out, "w5_b.h5"))
    seed = [os.path.join(ROOT, "fixtures", "models", f"k2_seed_{tag}.h5") for tag in "ab"]
    rng = np.random.default_rng(0)
    table = [
        ("W1", "the seed pair, --weighted 0.1", ["--weighted", "0.1", *seed],
         [rng.normal(0, 1, (1_000_000, 5)), rng.normal(0, 1, (1_000_000, 7))], [4096, 65536]),
        ("W2", "two CNNs (Conv 32, Conv 64, Dense 128), averaged", None,
         [rng.uniform(0, 1, (10_000, 28, 28, 1))], [256, 1024]),
        ("W3", "two MLPs 784 → 2048 → 2048 → 10, averaged", None, [rng.uniform(0, 1, (100_000, 784))], [256, 2048]),
        ("W4", "two Embedding(20000, 64) → LSTM(128) → Dense(5), averaged", None,
         [rng.integers(0, 20000, (10_000, 50))], [256, 1024]),
        ("W5", "MobileNetV2 + ResNet50 at 224×224, averaged", None, [rng.uniform(-1, 1, (128, 224, 224, 3))],
         [8, 32]),
    ]
    result = []
    for name, title, args, inputs, batches in table:
        if only not in (None, name):
            continue
        members = args or ["--average", os.path.join(out, f"{name.lower()}_a.h5"),
                           os.path.join(out, f"{name.lower()}_b.h5")]
        merged = os.path.join(out, f"{name.lower()}.h5")
        subprocess.run([binary, "merge", *members, "-o", merged, "--force"], check=True, capture_output=True)
        inputs = [x.astype("int32" if name == "W4" else "float32") for x in inputs]
        result.append({"name": name, "title": title, "merged": merged, "inputs": inputs,
                       "samples": inputs[0].shape[0], "batches": batches, "members": members})
    return result


def main(out):
    binary = os.path.join(ROOT, ".build", "release", "ensemble")
    for work in build(out, binary):
        facts = json.loads(subprocess.run([binary, "summary", "--json", *work["members"]], capture_output=True,
                                          check=True).stdout)
        print(f"{work['name']}: {facts['total_flops']:,} FLOPs per sample, {facts['total_params']:,} params, "
              f"{facts['activation_bytes']:,} activation bytes")


if __name__ == "__main__":
    main(sys.argv[1])
