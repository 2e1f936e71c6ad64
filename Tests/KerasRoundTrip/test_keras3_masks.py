"""Keras 3 models whose sequence masks come from Embedding(mask_zero) or Masking: Keras 3
records the mask's computation as operation nodes (NotEqual, Any) passed to each consumer as
a `mask` keyword. ensemble propagates the mask itself, so these run, in `.keras` and in Keras
3's `.h5` (which Keras 3 itself cannot reload), match Keras's prediction, and merged files
(where the nodes are left out) load back in both loaders."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, assert_self_average_loads_back, run


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


def two_masked_and_a_plain(keras):
    """Inputs of ids (two, each through an Embedding with mask_zero) and of plain features."""
    first, second, plain = keras.Input((6,)), keras.Input((6,)), keras.Input((6, 4))
    a = keras.layers.Embedding(10, 4, mask_zero=True)(first)
    b = keras.layers.Embedding(10, 4, mask_zero=True)(second)
    return (first, second, plain), (a, b)


def predicted_after_pooling(keras, tmp_path, inputs, merged, name, seed):
    """Each of `merged` pooled under its mask, against Keras, on ids padded after 4 and 2 steps."""
    layers = keras.layers
    model = keras.Model(list(inputs), layers.Concatenate()([layers.GlobalAveragePooling1D()(x) for x in merged]))
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    ids = rng.integers(1, 10, (5, 6)).astype("float32")
    ids[:, 4:] = 0
    others = rng.integers(1, 10, (5, 6)).astype("float32")
    others[:, 2:] = 0
    assert_predicts_as_keras(model, tmp_path, [ids, others, rng.normal(0, 1, (5, 6, 4)).astype("float32")], name)


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_masks_of_merged_inputs_follow_each_keras(request, tmp_path, loader):
    # Two inputs masked differently, and a masked and an unmasked one, merged: tf_keras keeps
    # the steps every masked input keeps, Keras 3 the steps any input keeps, and no mask at all
    # when an input has none. (Keras 3's Multiply also changes masked values: refused under a
    # mask.)
    keras = request.getfixturevalue(loader)
    layers = keras.layers
    inputs, (a, b) = two_masked_and_a_plain(keras)
    product = layers.Multiply() if loader == "tf_keras" else layers.Subtract()
    predicted_after_pooling(keras, tmp_path, inputs, [layers.Add()([a, b]), product([inputs[2], a])], "merged", 71)
    if loader == "keras3":
        path = str(tmp_path / "multiply.keras")
        keras.Model([inputs[0], inputs[2]], layers.Multiply()([inputs[2], a])).save(path)
        result = run("predict", path, "--input", str(tmp_path / "merged-x.npz"), check=False, binary=RELEASE)
        assert result.returncode != 0
        assert "a sequence mask reaching a Keras 3 multiply layer is not supported" in result.stderr.decode()


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_masks_through_concatenations_follow_each_keras(request, tmp_path, loader):
    # Along the features: two masked inputs, and a masked and an unmasked one; along time: two
    # masked sequences joined.
    keras = request.getfixturevalue(loader)
    layers = keras.layers
    inputs, (a, b) = two_masked_and_a_plain(keras)
    joined = [layers.Concatenate()([a, b]), layers.Concatenate()([a, inputs[2]]), layers.Concatenate(axis=1)([a, b])]
    predicted_after_pooling(keras, tmp_path, inputs, joined, "concatenated", 72)
