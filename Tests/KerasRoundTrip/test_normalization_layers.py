"""UnitNormalization, GroupNormalization, RMSNormalization (Keras 3) and LayerNormalization with rms_scaling (Keras
3), and LayerNormalization, UnitNormalization and Normalization over a non-trailing axis (or none; Keras 3's own
RMSNormalization fails over one), built here by real Keras in the versions that have them and both file formats, predicted
by the release binary against Keras's own prediction, with rows wide enough to reach the
bound of a unit norm (a zero row) and large values; then merged and loaded back (except by
Keras 3 where the axis is a list: its loader drops it, and merge says so)."""
import io

import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run


def inputs(rows=7):
    data = np.random.default_rng(11).normal(0, 30, size=(rows, 5, 6)).astype("float32")
    data[0] = 0  # a zero row: UnitNormalization's bound, RMSNormalization's epsilon
    data[1] *= 1e-4
    return data


def layers_of(keras, loader):
    made = [keras.layers.UnitNormalization(), keras.layers.UnitNormalization(axis=[1, 2]),
            keras.layers.GroupNormalization(groups=3, epsilon=1e-2), keras.layers.GroupNormalization(groups=-1),
            keras.layers.GroupNormalization(groups=2, center=False),
            # Over the time axis instead of the features (moved to the end and back).
            keras.layers.LayerNormalization(axis=1, epsilon=1e-2), keras.layers.UnitNormalization(axis=1),
            keras.layers.Normalization(axis=1, mean=[0.5, -1, 0, 2, 1], variance=[4, 1, 0.25, 9, 2]),
            keras.layers.Normalization(axis=None, mean=0.5, variance=4.0)]
    if loader == "keras3":
        made += [keras.layers.RMSNormalization(epsilon=1e-3), keras.layers.RMSNormalization(axis=[1, 2]),
                 keras.layers.LayerNormalization(rms_scaling=True, epsilon=1e-2)]
    return made


def model_with(keras, layer, seed):
    inputs_ = keras.Input((5, 6))
    x = keras.layers.Dense(6)(inputs_)
    x = layer(x)
    model = keras.Model(inputs_, keras.layers.Dense(4)(x))
    weights = [np.random.default_rng(seed + i).normal(0, 1, w.shape).astype("float32")
               for i, w in enumerate(model.get_weights())]
    model.set_weights(weights)
    return model


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("tf_keras", "keras"), ("keras3", "keras"),
                                              ("keras3", "h5")])
def test_normalization_layers_match_keras(request, tmp_path, loader, extension):
    keras = request.getfixturevalue(loader)
    data = inputs()
    np.save(tmp_path / "x.npy", data)
    for index, layer in enumerate(layers_of(keras, loader)):
        model = model_with(keras, layer, 20 + index)
        path = str(tmp_path / f"m{index}.{extension}")
        model.save(path)
        expected = model.predict(data, verbose=0)
        ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                      binary=RELEASE).stdout))
        np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4, err_msg=layer.__class__.__name__)
        assert f"Total params: {model.count_params():,}" in run("summary", path, binary=RELEASE).stdout.decode()
        # Keras 3's loader for the configs ensemble writes drops a list of axes; merge says so.
        axes = layer.get_config().get("axis")
        listed = isinstance(axes, (list, tuple)) and len(axes) > 1
        merged = str(tmp_path / f"merged{index}.{'h5' if loader == 'tf_keras' else extension}")
        note = run("merge", "--average", path, path, "-o", merged, binary=RELEASE).stderr.decode()
        assert listed == ("Keras 3 drops its list of axes" in note), note
        if loader == "tf_keras" or not listed:
            reloaded = keras.models.load_model(merged)
            np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_group_normalization_over_a_channel_axis_not_last_matches_keras(request, tmp_path, loader):
    # Channels first: 4 channels along axis 1 in 2 groups, each group's statistics over its
    # channels' 3×2 positions (moved to the end and back).
    keras = request.getfixturevalue(loader)
    inputs_ = keras.Input((4, 3, 2))
    x = keras.layers.GroupNormalization(groups=2, axis=1, epsilon=1e-2)(inputs_)
    model = keras.Model(inputs_, keras.layers.Flatten()(x))
    model.set_weights([np.random.default_rng(5 + i).normal(0, 1, w.shape).astype("float32")
                       for i, w in enumerate(model.get_weights())])
    data = np.random.default_rng(12).normal(0, 20, size=(6, 4, 3, 2)).astype("float32")
    expected, paths = assert_predicts_as_keras(model, tmp_path, data, "group_axis1")
    assert_self_average_loads_back(request, paths[0], data, expected, str(tmp_path / "merged.h5"))
