"""Keras 3's GroupQueryAttention (key and value heads shared by groups of query heads, with
and without bias, the sigmoid gate, a separate key, self-attention with use_causal_mask),
built by real Keras 3 in both file formats, predicted by the release binary against Keras's
own prediction; then merged into a .keras archive and loaded back by Keras 3 (tf_keras has no
such layer, which merge says for an .h5)."""
import numpy as np

from conftest import RELEASE, assert_predicts_as_keras, run


def test_grouped_query_attention_matches_keras(tmp_path, keras3):
    layers = keras3.layers
    rng = np.random.default_rng(41)
    query, value, key = keras3.Input((4, 6)), keras3.Input((5, 6)), keras3.Input((5, 3))
    attended = [layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)(query, value),
                layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=1, use_bias=False,
                                           use_gate=True)(query, value, key),
                layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=2)(
                    query, query, use_causal_mask=True)]
    model = keras3.Model([query, value, key], layers.Concatenate()(attended))
    model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    data = [rng.normal(0, 1.5, (5,) + shape).astype("float32") for shape in ((4, 6), (5, 6), (5, 3))]
    expected, paths = assert_predicts_as_keras(model, tmp_path, data, "gqa")
    merged = str(tmp_path / "merged.keras")
    run("merge", "--average", paths[1], paths[1], "-o", merged, binary=RELEASE)
    np.testing.assert_allclose(keras3.models.load_model(merged).predict(data, verbose=0), expected, rtol=1e-4,
                               atol=1e-4)
    note = run("merge", "--average", paths[1], paths[1], "-o", str(tmp_path / "merged.h5"),
               binary=RELEASE).stderr.decode()
    assert "only Keras 3 has GroupQueryAttention" in note, note
