"""EinsumDense over the equations real models use (a plain dense, dense over the last axis, a
multi-head projection, contracting two axes, a transposed output, `...`), with biases over the
kernel's free axes or one other output axis, built by real Keras in both versions and both
file formats, predicted by the release binary against Keras's own prediction; then merged and
loaded back by both loaders."""
import numpy as np
import pytest

from conftest import assert_predicts_as_keras, assert_self_average_loads_back

CASES = [  # input features, equation, output_shape, bias_axes, activation
    ((6,), "ab,bc->ac", 4, "c", "relu"),
    ((5, 6), "abc,cd->abd", (5, 4), "d", None),
    ((5, 6), "abc,cde->abde", (5, 2, 3), "de", "tanh"),
    ((5, 3, 2), "abcd,cde->abe", (5, 4), "e", None),
    ((5, 6), "abc,cd->adb", (4, 5), "b", None),
    ((5, 6), "...b,bc->...c", 4, "c", None),
    ((5, 6), "abc,cd->abd", (5, 4), None, None),
]


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_einsum_dense_matches_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    for index, (features, equation, output_shape, bias_axes, activation) in enumerate(CASES):
        inputs = keras.Input(features)
        layer = keras.layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes,
                                         activation=activation)
        model = keras.Model(inputs, layer(keras.layers.Dense(features[-1])(inputs)))
        rng = np.random.default_rng(index)
        model.set_weights([rng.normal(0, 1, w.shape).astype("float32") for w in model.get_weights()])
        data = rng.normal(0, 2, (8,) + features).astype("float32")
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, f"einsum{index}")
        assert_self_average_loads_back(request, paths[0], data, expected, str(tmp_path / f"merged{index}.h5"))
