"""ZeroPadding3D, Cropping3D and UpSampling3D (channels last and first, symmetric and per-side
amounts), built by real Keras in both versions and both file formats, predicted by the release
binary against Keras's own prediction; then merged and loaded back by both loaders."""
import numpy as np
import pytest

from conftest import assert_predicts_as_keras, assert_self_average_loads_back


def volume_layers(keras):
    return [keras.layers.ZeroPadding3D(1), keras.layers.ZeroPadding3D(((1, 0), (0, 2), (2, 1))),
            keras.layers.Cropping3D(((1, 0), (0, 1), (1, 1))), keras.layers.UpSampling3D((2, 1, 3)),
            keras.layers.ZeroPadding3D(((0, 1), (1, 0), (0, 2)), data_format="channels_first"),
            keras.layers.UpSampling3D(2, data_format="channels_first")]


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_volume_padding_cropping_and_upsampling_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    data = np.random.default_rng(3).normal(0, 2, (4, 3, 4, 5, 2)).astype("float32")
    for index, layer in enumerate(volume_layers(keras)):
        inputs = keras.Input((3, 4, 5, 2))
        x = keras.layers.Dense(2)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Flatten()(layer(x))))
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, f"volume{index}")
        assert_self_average_loads_back(request, paths[0], data, expected, str(tmp_path / f"merged{index}.h5"))
