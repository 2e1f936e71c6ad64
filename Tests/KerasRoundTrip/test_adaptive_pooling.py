"""Keras 3's AdaptiveAveragePooling and AdaptiveMaxPooling 1D/2D/3D, with output sizes that
divide the input and sizes that do not (windows of two lengths), channels last and first, built
by real Keras in both file formats and predicted by the release binary against Keras's own
prediction; then merged into a .keras file that Keras 3 loads back (tf_keras has no such layers)."""
import numpy as np

from conftest import RELEASE, assert_predicts_as_keras, run

CASES = [  # input features, output size, data format
    ((9, 2), (4,), "channels_last"), ((12, 2), (3,), "channels_last"),
    ((7, 10, 2), (3, 4), "channels_last"), ((8, 8, 2), (2, 2), "channels_last"), ((2, 7, 5), (2, 3), "channels_first"),
    ((5, 6, 7, 2), (2, 3, 4), "channels_last"),
]


def test_adaptive_pooling_matches_keras(tmp_path, keras3):
    for index, (features, output_size, data_format) in enumerate(CASES):
        for kind in ("Average", "Max"):
            layer = getattr(keras3.layers, f"Adaptive{kind}Pooling{len(output_size)}D")(output_size,
                                                                                     data_format=data_format)
            inputs = keras3.Input(features)
            model = keras3.Model(inputs, keras3.layers.Dense(3)(keras3.layers.Flatten()(layer(inputs))))
            data = np.random.default_rng(index).normal(0, 2, (4,) + features).astype("float32")
            expected, paths = assert_predicts_as_keras(model, tmp_path, data, f"adaptive{index}{kind}",
                                                       suffixes=(".keras", ".h5"))
            merged = str(tmp_path / f"merged{index}{kind}.keras")
            run("merge", "--average", paths[0], paths[0], "-o", merged, binary=RELEASE)
            np.testing.assert_allclose(keras3.models.load_model(merged).predict(data, verbose=0), expected,
                                       rtol=1e-4, atol=1e-4)
