"""Resizing with crop_to_aspect_ratio (taller, wider and square targets, bilinear and nearest,
channels last, and first in Keras 3), built by real Keras in both versions and both file formats, predicted
by the release binary against Keras's own prediction; then merged and loaded back."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run

TARGETS = [(4, 4, "bilinear", "channels_last"), (3, 8, "bilinear", "channels_last"), (6, 2, "nearest", "channels_last"),
           (5, 3, "bilinear", "channels_first")]


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_resizing_cropped_to_aspect_ratio_matches_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    data = np.random.default_rng(4).normal(0, 2, (3, 7, 10, 3)).astype("float32")
    for index, (height, width, interpolation, data_format) in enumerate(TARGETS):
        if data_format == "channels_first" and loader == "tf_keras":
            continue  # tf_keras's Resizing has no data_format
        inputs = keras.Input((7, 10, 3))
        x = keras.layers.Dense(3)(inputs)
        if data_format == "channels_first":
            x = keras.layers.Permute((3, 1, 2))(x)
        options = {"data_format": data_format} if loader == "keras3" else {}
        resized = keras.layers.Resizing(height, width, interpolation=interpolation, crop_to_aspect_ratio=True,
                                        **options)(x)
        model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Flatten()(resized)))
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, f"resize{index}")
        merged = str(tmp_path / f"merged{index}.h5")
        if data_format == "channels_last":
            assert_self_average_loads_back(request, paths[0], data, expected, merged)
        else:  # tf_keras cannot resize channels first, and merge says so; Keras 3 loads it
            note = run("merge", "--average", paths[1], paths[1], "-o", merged, binary=RELEASE).stderr.decode()
            assert "which tf_keras's Resizing cannot" in note, note
            np.testing.assert_allclose(keras.models.load_model(merged).predict(data, verbose=0), expected,
                                       rtol=1e-4, atol=1e-4)
