"""RNN over StackedRNNCells (LSTM, GRU and SimpleRNN cells; sequences or the last output,
states, go_backwards, a mask from Embedding), built by real Keras in both versions and both
file formats, predicted by the release binary against Keras's own prediction; then merged and
loaded back by both loaders, and written as `.keras` for Keras 3 (its cells' weights each
under the cell's own name)."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run


def models(keras):
    layers = keras.layers
    made = []
    for sequences, backwards in ((True, False), (False, True)):
        inputs = keras.Input((6, 3))
        cells = [layers.LSTMCell(4), layers.GRUCell(3), layers.SimpleRNNCell(2, use_bias=False)]
        x = layers.RNN(cells, return_sequences=sequences, go_backwards=backwards)(inputs)
        made.append((f"stacked_{sequences}_{backwards}", keras.Model(inputs, layers.Flatten()(x)), (6, 3), False))
    # Every state returned (h and c of the LSTM cell, h of the GRU cell), added to the output.
    inputs = keras.Input((5, 3))
    out, (h0, c0), h1 = layers.RNN([layers.LSTMCell(3), layers.GRUCell(3)], return_state=True)(inputs)
    made.append(("states", keras.Model(inputs, layers.Concatenate()([out, h0, c0, h1])), (5, 3), False))
    # A mask from Embedding(mask_zero), carried over the padded steps, backwards.
    inputs = keras.Input((7,))
    x = layers.Embedding(9, 4, mask_zero=True)(inputs)
    x = layers.RNN([layers.GRUCell(3), layers.LSTMCell(2)], go_backwards=True)(x)
    made.append(("masked", keras.Model(inputs, x), (7,), True))
    return made


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_stacked_rnn_cells_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(3)
    for name, model, shape, ids in models(keras):
        model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
        if ids:
            data = rng.integers(1, 9, (6,) + shape).astype("float32")
            data[:, :3] = 0  # padding first: masked steps the states carry over
            data[0, 5:] = 0
        else:
            data = rng.normal(0, 2, (6,) + shape).astype("float32")
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, name)
        assert_self_average_loads_back(request, paths[0], data, expected, str(tmp_path / f"merged-{name}.h5"))
        archive = str(tmp_path / f"merged-{name}.keras")
        run("merge", "--average", paths[1], paths[1], "-o", archive, binary=RELEASE)
        reloaded = request.getfixturevalue("keras3").models.load_model(archive)
        np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-4)
