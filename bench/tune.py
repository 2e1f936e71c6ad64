"""How long tune takes after its one prediction pass: 100,000 validation rows, 8 members.

    .venv/bin/python bench/tune.py      # (make bench runs it too)

Eight small softmax classifiers (64 → 32 → 10, random weights, tf_keras); the labels are the
members' average vote with 30% of them replaced at random (members that are right more often
than not, as validation data is); each method's `tune --timing` phases are printed: the "tune" phase is everything after
the prediction pass (the target is under a second). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
are unset for the run. Models and data go to a temporary folder."""
import os
import re
import subprocess
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "ensemble")


def main():
    import tf_keras as keras
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    with tempfile.TemporaryDirectory() as folder:
        rng = np.random.default_rng(0)
        paths = []
        for index in range(8):
            model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(32, activation="relu"),
                                      keras.layers.Dense(10, activation="softmax")])
            path = os.path.join(folder, f"m{index}.h5")
            model.save(path)
            paths.append(path)
        x, y = os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy")
        inputs = rng.normal(size=(100_000, 64)).astype("float32")
        np.save(x, inputs)
        votes = np.mean([keras.models.load_model(p, compile=False).predict(inputs, batch_size=4096, verbose=0)
                         for p in paths], axis=0).argmax(1)
        noise = rng.random(len(votes)) < 0.3
        votes[noise] = rng.integers(0, 10, noise.sum())
        np.save(y, votes)
        print("tune, 100,000 rows, 8 members (seconds per phase; 'tune' is everything after predicting)")
        for method in ["weighted", "weighted-product", "select", "stack"]:
            result = subprocess.run([BINARY, "tune", "--method", method, *paths, "--input", x, "--target", y, "--timing"],
                                    capture_output=True, text=True, env=env, check=True)
            timing = re.search(r"timing: (.*)", result.stderr).group(1)
            print(f"  {method:17s} {timing}")


if __name__ == "__main__":
    sys.exit(main())
