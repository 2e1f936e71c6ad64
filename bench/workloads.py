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


def main(out):
    os.makedirs(out, exist_ok=True)
    for tag in "ab":
        cnn(f"cnn_{tag}").save(os.path.join(out, f"w2_{tag}.h5"))
        mlp(f"mlp_{tag}").save(os.path.join(out, f"w3_{tag}.h5"))
        lstm(f"lstm_{tag}").save(os.path.join(out, f"w4_{tag}.h5"))
    keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3)).save(os.path.join(out, "w5_a.h5"))
    keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3)).save(os.path.join(out, "w5_b.h5"))
    binary = os.path.join(ROOT, ".build", "release", "ensemble")
    seed = [os.path.join(ROOT, "fixtures", "models", f"k2_seed_{tag}.h5") for tag in "ab"]
    cases = [("W1", ["--weighted", "0.1", *seed])] + [
        (f"W{n}", ["--average", os.path.join(out, f"w{n}_a.h5"), os.path.join(out, f"w{n}_b.h5")]) for n in (2, 3, 4, 5)]
    for name, args in cases:
        facts = json.loads(subprocess.run([binary, "summary", "--json", *args], capture_output=True, check=True).stdout)
        print(f"{name}: {facts['total_flops']:,} FLOPs per sample, {facts['total_params']:,} params, "
              f"{facts['activation_bytes']:,} activation bytes")


if __name__ == "__main__":
    main(sys.argv[1])
