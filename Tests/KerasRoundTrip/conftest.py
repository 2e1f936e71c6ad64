"""Shared helpers: the built binary, real Keras 2 and 3, and running ensemble like a user."""
import io
import os
import subprocess

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "fixtures")
BINARY = os.environ.get("ENSEMBLE", os.path.join(ROOT, ".build", "debug", "ensemble"))
# The optimised build, the one users run (make test builds both).
RELEASE = os.environ.get("ENSEMBLE_RELEASE", BINARY)


def fixture(path):
    return os.path.join(FIXTURES, path)


def run(*args, stdin=None, check=True, binary=BINARY):
    """Runs ensemble; returns the CompletedProcess (stdout as bytes)."""
    result = subprocess.run([binary, *args], input=stdin, capture_output=True)
    if check and result.returncode != 0:
        raise AssertionError(f"ensemble {' '.join(args)} failed ({result.returncode}): {result.stderr.decode()}")
    return result


def assert_self_average_loads_back(request, path, data, expected, merged, rtol=1e-4, atol=1e-4):
    """Merges the model at `path` with itself by --average into the .h5 `merged` (the output
    is unchanged), then checks that Keras 3 and tf_keras both load it and predict `expected`
    on `data`."""
    run("merge", "--average", path, path, "-o", merged, binary=RELEASE)
    for name in ("keras3", "tf_keras"):
        reloaded = request.getfixturevalue(name).models.load_model(merged)
        np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=rtol, atol=atol, err_msg=name)


def assert_predicts_as_keras(model, folder, data, name, suffixes=(".h5", ".keras")):
    """Saves `model` under `folder` in each format of `suffixes` and checks that the release
    binary predicts what Keras does on `data` (an array, or a list for several inputs, in order)
    at 1e-4, with summary totals equal to count_params(); returns Keras's prediction and the
    paths written."""
    expected = model.predict(data, verbose=0)
    source = folder / f"{name}-x.npz"
    np.savez(source, *(data if isinstance(data, list) else [data]))
    paths = []
    for suffix in suffixes:
        path = str(folder / f"{name}{suffix}")
        model.save(path)
        paths.append(path)
        out = folder / f"{name}-out.npy"
        run("predict", path, "--input", str(source), "-o", str(out), "--force", binary=RELEASE)
        np.testing.assert_allclose(np.load(out), expected, rtol=1e-4, atol=1e-4, err_msg=f"{name}{suffix}")
        summary = run("summary", path, binary=RELEASE).stdout.decode()
        assert f"Total params: {model.count_params():,}" in summary, f"{name}{suffix}"
    return expected, paths


def predict_npz(*args):
    """ensemble predict … --format npz, as a list of arrays in output order."""
    archive = np.load(io.BytesIO(run("predict", *args, "--format", "npz").stdout))
    return [archive[name] for name in archive.files]


@pytest.fixture(scope="session")
def keras3():
    import keras
    return keras


@pytest.fixture(scope="session")
def tf_keras():
    import tf_keras
    return tf_keras
