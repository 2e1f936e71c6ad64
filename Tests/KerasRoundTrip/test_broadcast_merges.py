"""Merge layers (Multiply, Add, Maximum, …) of inputs of different ranks, which Keras broadcasts
after giving the lower-rank input new axes after the batch axis: built here by real Keras in
both versions, predicted by the release binary against Keras's own prediction, merged and
loaded back."""
import io

import numpy as np
import pytest

from conftest import RELEASE, assert_self_average_loads_back, run


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("keras3", "keras")])
@pytest.mark.parametrize("merge", ["Multiply", "Add", "Maximum", "Subtract"])
def test_merge_of_different_ranks_broadcasts_as_keras(request, tmp_path, loader, extension, merge):
    keras = request.getfixturevalue(loader)
    sequence = keras.Input((3, 4))
    vector = keras.Input((4,))
    gate = keras.layers.Dense(4, activation="sigmoid")(vector)
    first, second = (gate, sequence) if merge == "Subtract" else (sequence, gate)
    mixed = getattr(keras.layers, merge)()([first, second])
    model = keras.Model([sequence, vector], keras.layers.Dense(2)(keras.layers.Flatten()(mixed)))
    path = str(tmp_path / f"m.{extension}")
    model.save(path)
    rng = np.random.default_rng(4)
    data = [rng.normal(size=(5, 3, 4)).astype("float32"), rng.normal(size=(5, 4)).astype("float32")]
    for index, x in enumerate(data):
        np.save(tmp_path / f"x{index}.npy", x)
    expected = model.predict(data, verbose=0)
    args = ["--input", str(tmp_path / "x0.npy"), "--input", str(tmp_path / "x1.npy")]
    ours = np.load(io.BytesIO(run("predict", path, *args, "--format", "npy", binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    assert_self_average_loads_back(request, path, data, expected, str(tmp_path / "merged.h5"))
