"""ConvLSTM1D, ConvLSTM2D and ConvLSTM3D (same and valid padding, strides, dilation, no bias,
other activations, return_sequences, return_state, go_backwards, channels first), built by
real Keras in both versions and both file formats with weights large enough to saturate the
gates, predicted by the release binary against Keras's own prediction; then merged and loaded
back by both loaders. The gates are sigmoid except in `states2d`, which keeps tf_keras's
default hard_sigmoid (Keras 3's differs): merged from tf_keras, only tf_keras loads it back
as meant, and merge says so; from Keras 3, merge refuses it."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run


def randomised(model, seed):
    model.set_weights([np.random.default_rng(seed + i).normal(0, 0.6, w.shape).astype("float32")
                       for i, w in enumerate(model.get_weights())])
    return model


def models(keras):
    layers = keras.layers
    made = []
    sigmoid = {"recurrent_activation": "sigmoid"}
    # 2D: a stack returning sequences into one returning the last state, strided.
    inputs = keras.Input((4, 5, 6, 2))
    x = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True, **sigmoid)(inputs)
    x = layers.ConvLSTM2D(2, (2, 3), strides=(1, 2), go_backwards=True, **sigmoid)(x)
    made.append(("stack2d", keras.Model(inputs, layers.Flatten()(x)), (4, 5, 6, 2)))
    # 2D: states returned (h + c), dilated, no bias, other activations.
    inputs = keras.Input((3, 6, 6, 2))
    hard = {} if keras.__name__ == "tf_keras" else {"recurrent_activation": "hard_sigmoid"}
    out, h, c = layers.ConvLSTM2D(2, 2, dilation_rate=2, use_bias=False, activation="relu", return_state=True,
                                  **hard)(inputs)
    made.append(("states2d", keras.Model(inputs, layers.Flatten()(layers.Add()([out, h, c]))), (3, 6, 6, 2)))
    # 1D, returning sequences backwards.
    inputs = keras.Input((5, 7, 3))
    x = layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True, go_backwards=True,
                          **sigmoid)(inputs)
    made.append(("seq1d", keras.Model(inputs, layers.Flatten()(x)), (5, 7, 3)))
    # 3D, valid padding.
    inputs = keras.Input((3, 3, 4, 4, 1))
    x = layers.ConvLSTM3D(2, 2, **sigmoid)(inputs)
    made.append(("volume3d", keras.Model(inputs, layers.Flatten()(x)), (3, 3, 4, 4, 1)))
    # 2D channels first: frames (channels, height, width).
    inputs = keras.Input((3, 2, 5, 4))
    x = layers.ConvLSTM2D(3, 3, padding="same", data_format="channels_first", return_sequences=True,
                          **sigmoid)(inputs)
    made.append(("first2d", keras.Model(inputs, layers.Flatten()(x)), (3, 2, 5, 4)))
    return made


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_convolutional_lstm_layers_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    for index, (name, model, shape) in enumerate(models(keras)):
        randomised(model, 10 * index)
        data = np.random.default_rng(index).normal(0, 2, (3,) + shape).astype("float32")
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, name)
        merged = str(tmp_path / f"merged-{name}.h5")
        if name != "states2d":
            assert_self_average_loads_back(request, paths[0], data, expected, merged)
        elif loader == "tf_keras":
            note = run("merge", "--average", paths[0], paths[0], "-o", merged, binary=RELEASE).stderr.decode()
            assert "keeps a recurrent hard_sigmoid" in note, note
            np.testing.assert_allclose(keras.models.load_model(merged).predict(data, verbose=0), expected, rtol=1e-4,
                                       atol=1e-4)
        else:
            refused = run("merge", "--average", paths[0], paths[0], "-o", merged, binary=RELEASE, check=False)
            assert refused.returncode != 0 and b"uses hard_sigmoid inside a recurrent" in refused.stderr
