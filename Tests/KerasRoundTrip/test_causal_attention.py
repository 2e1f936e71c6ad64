"""Attention (dot and concat scores), AdditiveAttention and MultiHeadAttention called with
`use_causal_mask=True` (each query attends to itself and the keys before it; more keys than
queries for Attention), built by real Keras in both versions and both file formats, predicted
by the release binary against Keras's own prediction; merged files keep the call option and
load back (MultiHeadAttention's .h5 in tf_keras, its .keras in Keras 3)."""
import numpy as np
import pytest

from conftest import RELEASE, assert_predicts_as_keras, run


def models(keras):
    layers = keras.layers
    query, value = keras.Input((4, 5)), keras.Input((6, 5))
    attended = [layers.Attention()([query, value], use_causal_mask=True),
                layers.Attention(score_mode="concat", use_scale=True)([query, value], use_causal_mask=True),
                layers.AdditiveAttention()([query, value], use_causal_mask=True)]
    pairs = keras.Model([query, value], layers.Concatenate()(attended))
    sequence = keras.Input((5, 6))
    heads = layers.MultiHeadAttention(num_heads=2, key_dim=3)(sequence, sequence, use_causal_mask=True)
    return [("pairs", pairs, [(4, 5), (6, 5)]), ("heads", keras.Model(sequence, heads), [(5, 6)])]


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_causal_attention_matches_keras(request, tmp_path, loader):
    keras = request.getfixturevalue(loader)
    rng = np.random.default_rng(31)
    for name, model, shapes in models(keras):
        model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
        data = [rng.normal(0, 1.5, (5,) + shape).astype("float32") for shape in shapes]
        data = data if len(data) > 1 else data[0]
        expected, paths = assert_predicts_as_keras(model, tmp_path, data, name)
        for source in paths:
            # The merged file must keep use_causal_mask: without it every output row changes.
            merged = str(tmp_path / f"merged-{name}{'.keras' if loader == 'keras3' else '.h5'}")
            run("merge", "--average", source, source, "-o", merged, "--force", binary=RELEASE)
            reloaded = keras.models.load_model(merged)
            np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-4,
                                       err_msg=f"{name} from {source}")
