"""Discretization (output_mode "int"; boundaries given, or adapted in Keras 3) built here by real
Keras in both versions and file formats, predicted by the release binary against Keras's own
prediction, values on the boundaries included; then merged and loaded back."""
import io

import numpy as np
import pytest

from conftest import RELEASE, assert_self_average_loads_back, run


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("tf_keras", "keras"), ("keras3", "keras"),
                                              ("keras3", "h5")])
def test_discretization_buckets_as_keras(request, tmp_path, loader, extension):
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(6)
    data = rng.normal(0, 2, size=(40, 3)).astype("float32")
    data[0] = [-1, 0, 0.5]  # on the boundaries
    data[1] = [-100, 100, 2]
    given = keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 0.5, 2.0])
    layers = [given]
    if loader == "keras3":  # tf_keras keeps its quantile sketch as a weight, which is refused
        adapted = keras.layers.Discretization(num_bins=5, epsilon=0.01)
        adapted.adapt(rng.normal(0, 1, size=(200, 3)).astype("float32"))
        layers.append(adapted)
    for index, layer in enumerate(layers):
        inputs = keras.Input((3,))
        buckets = layer(inputs)
        model = keras.Model(inputs, keras.layers.Embedding(6, 2)(buckets))
        path = str(tmp_path / f"d{index}.{extension}")
        model.save(path)
        np.save(tmp_path / "x.npy", data)
        expected = model.predict(data, verbose=0)
        ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                      binary=RELEASE).stdout))
        np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-6)
        assert_self_average_loads_back(request, path, data, expected, str(tmp_path / f"merged{index}.h5"),
                                       rtol=1e-5, atol=1e-6)
