"""Keras 3 models whose sequence masks come from Embedding(mask_zero) or Masking: Keras 3
records the mask's computation as operation nodes (NotEqual, Any) passed to each consumer as
a `mask` keyword. ensemble propagates the mask itself, so these run, in `.keras` and in Keras
3's `.h5` (which Keras 3 itself cannot reload), match Keras's prediction, and merged files
(where the nodes are left out) load back in both loaders."""
import numpy as np

from conftest import assert_predicts_as_keras, assert_self_average_loads_back


def test_keras3_masked_sequences_match_keras(request, tmp_path, keras3):
    layers = keras3.layers
    rng = np.random.default_rng(21)
    ids = keras3.Input((8,))
    x = layers.Embedding(12, 4, mask_zero=True)(ids)
    seq = layers.LSTM(3, return_sequences=True)(x)
    outs = layers.Concatenate()([layers.GlobalAveragePooling1D()(seq), layers.GRU(2)(x),
                                 layers.Bidirectional(layers.LSTM(2))(x)])
    tokens = rng.integers(1, 12, (6, 8)).astype("float32")
    tokens[:, 5:] = 0
    tokens[1, 2:] = 0
    frames = keras3.Input((6, 3))
    masked = layers.LSTM(3)(layers.Masking(0.0)(frames))
    values = rng.normal(0, 2, (6, 6, 3)).astype("float32")
    values[:, 4:] = 0
    for name, model, data in (("embedded", keras3.Model(ids, outs), tokens),
                              ("masking", keras3.Model(frames, masked), values)):
        model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, name)
        assert_self_average_loads_back(request, paths[1], data, expected, str(tmp_path / f"merged-{name}.h5"))
