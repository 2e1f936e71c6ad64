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


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("keras3", "keras")])
def test_discretization_and_category_encoding_modes_as_keras(request, tmp_path, loader, extension):
    """Discretization's one_hot (one value a row), multi_hot and count, and CategoryEncoding's
    three modes over ids with repeats; an id outside num_tokens is an error, as in Keras."""
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(7)
    values = rng.normal(0, 2, size=(30, 4)).astype("float32")
    values[0] = [-1, 0, 0.5, 2]
    ids = rng.integers(0, 6, size=(30, 4)).astype("float32")
    ids[0] = [2, 2, 2, 5]
    cases = [(lambda: keras.layers.Discretization(bin_boundaries=[-1.0, 0.0, 0.5, 2.0], output_mode=mode), values,
              shape, f"discretization {mode}", "float32")
             for mode, shape in (("one_hot", 1), ("multi_hot", 4), ("count", 4))]
    # Integer inputs, as ids come (merge's stored test vector then holds ids 0 and 1).
    cases += [(lambda: keras.layers.CategoryEncoding(num_tokens=6, output_mode=mode), ids, shape,
               f"category encoding {mode}", "int32") for mode, shape in (("one_hot", 1), ("multi_hot", 4), ("count", 4))]
    for index, (make, data, width, name, dtype) in enumerate(cases):
        inputs = keras.Input((width,), dtype=dtype)
        model = keras.Model(inputs, keras.layers.Dense(3)(make()(inputs)))
        path = str(tmp_path / f"e{index}.{extension}")
        model.save(path)
        np.save(tmp_path / "x.npy", data[:, :width])
        expected = model.predict(data[:, :width], verbose=0)
        out = tmp_path / "out.npy"
        run("predict", path, "--input", str(tmp_path / "x.npy"), "-o", str(out), "--force", binary=RELEASE)
        np.testing.assert_allclose(np.load(out), expected, rtol=1e-5, atol=1e-5, err_msg=name)
        assert_self_average_loads_back(request, path, data[:, :width], expected, str(tmp_path / f"merged{index}.h5"),
                                       rtol=1e-5, atol=1e-5)
    result = run("predict", str(tmp_path / f"e{len(cases) - 1}.{extension}"), "--input", "-", stdin=b"1,2,6,0\n",
                 check=False, binary=RELEASE)
    assert result.returncode == 65 and "category id 6.0 is not an integer in 0..<6" in result.stderr.decode()
