"""Attention (dot and concat scores), AdditiveAttention and MultiHeadAttention called with
`use_causal_mask=True` (each query attends to itself and the keys before it; more keys than
queries for Attention), built by real Keras in both versions and both file formats, predicted
by the release binary against Keras's own prediction; merged files keep the call option and
load back (MultiHeadAttention's .h5 in tf_keras, its .keras in Keras 3). Also
MultiHeadAttention over both inner axes of images."""
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


@pytest.mark.parametrize("loader", ["tf_keras", "keras3"])
def test_multi_head_attention_over_image_axes_matches_keras(request, tmp_path, loader):
    # Rank-4 inputs: attention over both inner axes (by default, and named), the output shaped
    # like the query; a value of another size.
    keras = request.getfixturevalue(loader)
    layers = keras.layers
    image, other = keras.Input((3, 4, 6)), keras.Input((2, 5, 6))
    attended = [layers.MultiHeadAttention(2, 3)(image, image),
                layers.MultiHeadAttention(2, 2, attention_axes=(1, 2), output_shape=5)(image, other)]
    model = keras.Model([image, other], layers.Concatenate()(attended))
    rng = np.random.default_rng(61)
    model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    data = [rng.normal(0, 1.5, (4, 3, 4, 6)).astype("float32"), rng.normal(0, 1.5, (4, 2, 5, 6)).astype("float32")]
    expected, paths = assert_predicts_as_keras(model, tmp_path, data, "image")
    merged = str(tmp_path / f"merged{'.h5' if loader == 'tf_keras' else '.keras'}")
    run("merge", "--average", paths[1], paths[1], "-o", merged, binary=RELEASE)
    np.testing.assert_allclose(keras.models.load_model(merged).predict(data, verbose=0), expected, rtol=1e-4,
                               atol=1e-4)
