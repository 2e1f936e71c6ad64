"""Attention with score_mode="concat" (with and without use_scale) and AdditiveAttention (with and
without its learned scale), built by real Keras in both versions and both file formats over a
query and a value of different lengths, predicted by the release binary against Keras's own
prediction with random learned scales and inputs wide enough to saturate tanh; then merged
and loaded back by both loaders."""
import numpy as np
import pytest

from conftest import assert_predicts_as_keras, assert_self_average_loads_back


def attention_layers(keras):
    return [keras.layers.Attention(score_mode="concat"), keras.layers.Attention(score_mode="concat", use_scale=True),
            keras.layers.AdditiveAttention(), keras.layers.AdditiveAttention(use_scale=False),
            keras.layers.Attention(use_scale=True)]


def model_with(keras, layer, seed):
    query, value = keras.Input((5, 6)), keras.Input((7, 6))
    attended = layer([keras.layers.Dense(6)(query), value, keras.layers.Dense(6)(value)])
    model = keras.Model([query, value], keras.layers.Dense(3)(attended))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 1.5, w.shape).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_concat_and_additive_scores_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(5)
    data = [rng.normal(0, 3, (9, 5, 6)).astype("float32"), rng.normal(0, 3, (9, 7, 6)).astype("float32")]
    for index, layer in enumerate(attention_layers(keras)):
        expected, paths = assert_predicts_as_keras(model_with(keras, layer, seed=index), tmp_path, data,
                                                   f"attention{index}")
        assert_self_average_loads_back(request, paths[0], data, expected, str(tmp_path / f"merged{index}.h5"))
