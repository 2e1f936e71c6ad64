"""ZeroPadding3D, Cropping3D, UpSampling3D (channels last and first, symmetric and per-side
amounts) and Conv3DTranspose (valid and same, strides, dilation, output_padding, no bias,
channels first), built by real Keras in both versions and both file formats, predicted by the release
binary against Keras's own prediction; then merged and loaded back by both loaders."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run


def volume_layers(keras):
    return [keras.layers.ZeroPadding3D(1), keras.layers.ZeroPadding3D(((1, 0), (0, 2), (2, 1))),
            keras.layers.Cropping3D(((1, 0), (0, 1), (1, 1))), keras.layers.UpSampling3D((2, 1, 3)),
            keras.layers.ZeroPadding3D(((0, 1), (1, 0), (0, 2)), data_format="channels_first"),
            keras.layers.UpSampling3D(2, data_format="channels_first"),
            keras.layers.Conv3DTranspose(3, 2, strides=2),
            keras.layers.Conv3DTranspose(2, (3, 2, 3), strides=(2, 1, 2), padding="same", activation="relu"),
            keras.layers.Conv3DTranspose(2, 3, strides=2, padding="same", output_padding=1, use_bias=False),
            keras.layers.Conv3DTranspose(2, (2, 3, 2), dilation_rate=(1, 2, 1)),
            keras.layers.Conv3DTranspose(3, 2, strides=(1, 2, 2), data_format="channels_first")]


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_volume_padding_cropping_and_upsampling_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    data = np.random.default_rng(3).normal(0, 2, (4, 3, 4, 5, 2)).astype("float32")
    for index, layer in enumerate(volume_layers(keras)):
        inputs = keras.Input((3, 4, 5, 2))
        x = keras.layers.Dense(2)(inputs)
        model = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Flatten()(layer(x))))
        model.set_weights([np.random.default_rng(index + i).normal(0, 1, w.shape).astype("float32")
                           for i, w in enumerate(model.get_weights())])
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, f"volume{index}")
        merged = str(tmp_path / f"merged{index}.h5")
        if layer.get_config().get("dilation_rate", (1,)) == (1, 2, 1):
            # tf_keras's Conv3DTranspose has no dilation (its config drops the key): merge says
            # that tf_keras cannot compute this Keras 3 layer, and Keras 3 loads the file back.
            note = run("merge", "--average", paths[0], paths[0], "-o", merged, binary=RELEASE).stderr.decode()
            assert "tf_keras computes undilated" in note, note
            np.testing.assert_allclose(keras.models.load_model(merged).predict(data, verbose=0), expected, rtol=1e-4,
                                       atol=1e-4)
            continue
        assert_self_average_loads_back(request, paths[0], data, expected, merged)
