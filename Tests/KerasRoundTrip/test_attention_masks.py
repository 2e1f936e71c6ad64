"""Sequence masks reaching attention layers (an Embedding's mask_zero): Attention, with dot and
concat scores, and AdditiveAttention hide the value's masked keys and zero the query's masked
steps; MultiHeadAttention (and Keras 3's GroupQueryAttention) hide every pair a query or key
mask rules out, a fully masked query getting the mean of the values (Keras 3 with dropout in
the config computes that query otherwise: refused; its GroupQueryAttention is handed no masks
and passes the query's on). Every step's output is compared with Keras's, and a masked
average after the layer sees the query's mask; merged files load back."""
import numpy as np
import pytest

from conftest import RELEASE, run


def models(keras, loader):
    layers = keras.layers
    ids, other = keras.Input((6,)), keras.Input((5,))
    x = layers.Embedding(10, 4, mask_zero=True)(ids)
    y = layers.Embedding(10, 4, mask_zero=True)(other)
    pairs = [layers.Attention()([x, y]), layers.Attention(score_mode="concat")([x, y]),
             layers.AdditiveAttention()([x, x])]
    dropout = 0.1 if loader == "tf_keras" else 0.0
    # Keras 3's MultiHeadAttention removes the masks of the tensors it is called on, so a
    # second one reads its query from an Embedding of its own.
    x2 = layers.Embedding(10, 4, mask_zero=True)(ids)
    heads = [layers.MultiHeadAttention(2, 3)(x, x), layers.MultiHeadAttention(2, 2, dropout=dropout)(x2, y)]
    if loader == "keras3":
        heads.append(layers.GroupQueryAttention(2, 4, 2)(x, x))
        heads.append(layers.GroupQueryAttention(2, 2, 1, dropout=0.1)(x, y))
    steps = layers.Concatenate()(pairs + heads)
    pooled = layers.GlobalAveragePooling1D()(pairs[0])
    return keras.Model([ids, other], [steps, pooled])


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_masks_reaching_attention_match_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(51)
    model = models(keras, loader)
    model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    ids = rng.integers(1, 10, (6, 6)).astype("float32")
    ids[:, 4:] = 0
    ids[2, :] = 0  # a sample whose every step is masked
    other = rng.integers(1, 10, (6, 5)).astype("float32")
    other[:, 3:] = 0
    data = [ids, other]
    expected = model.predict(data, verbose=0)
    for suffix in (".h5", ".keras"):
        path = str(tmp_path / f"masked{suffix}")
        model.save(path)
        out = tmp_path / "out.npz"
        run("predict", path, "--input", str(_saved(tmp_path, data)), "-o", str(out), "--force", binary=RELEASE)
        with np.load(out) as arrays:
            ours = [arrays[name] for name in arrays.files]
        for mine, theirs in zip(ours, expected):
            np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4, err_msg=suffix)
    # merge takes models of one output: the steps.
    single = str(tmp_path / f"steps{suffix}")
    keras.Model(model.inputs, model.outputs[0]).save(single)
    merged = str(tmp_path / f"merged{'.h5' if loader == 'tf_keras' else '.keras'}")
    run("merge", "--average", single, single, "-o", merged, binary=RELEASE)
    np.testing.assert_allclose(keras.models.load_model(merged).predict(data, verbose=0), expected[0], rtol=1e-4,
                               atol=1e-4)


def _saved(folder, data):
    source = folder / "x.npz"
    np.savez(source, *data)
    return source


def test_masked_keras3_multi_head_attention_with_dropout_is_refused(tmp_path, keras3):
    ids = keras3.Input((6,))
    x = keras3.layers.Embedding(10, 4, mask_zero=True)(ids)
    path = str(tmp_path / "dropout.keras")
    keras3.Model(ids, keras3.layers.MultiHeadAttention(2, 2, dropout=0.1)(x, x)).save(path)
    result = run("predict", path, "--input", "-", stdin=b"1,2,3,0,0,0\n", check=False, binary=RELEASE)
    assert result.returncode == 65
    assert "a sequence mask reaching a Keras 3 MultiHeadAttention with dropout" in result.stderr.decode()
