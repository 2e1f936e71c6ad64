"""Attention with score_mode="concat" (with and without use_scale) and AdditiveAttention (with and
without its learned scale), built by real Keras in both versions and both file formats over a
query and a value of different lengths, predicted by the release binary against Keras's own
prediction with random learned scales and inputs wide enough to saturate tanh; then merged
and loaded back by both loaders."""
import numpy as np
import pytest

from conftest import RELEASE, assert_self_average_loads_back, run


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
    query, value = rng.normal(0, 3, (9, 5, 6)).astype("float32"), rng.normal(0, 3, (9, 7, 6)).astype("float32")
    np.savez(tmp_path / "x.npz", query=query, value=value)
    for index, layer in enumerate(attention_layers(keras)):
        model = model_with(keras, layer, seed=index)
        expected = model.predict([query, value], verbose=0)
        for suffix in (".h5", ".keras"):
            path = str(tmp_path / f"attention{index}{suffix}")
            model.save(path)
            out = tmp_path / "out.npy"
            run("predict", path, "--input", str(tmp_path / "x.npz"), "-o", str(out), "--force", binary=RELEASE)
            np.testing.assert_allclose(np.load(out), expected, rtol=1e-4, atol=1e-4, err_msg=f"{layer.name}{suffix}")
            summary = run("summary", path, binary=RELEASE).stdout.decode()
            assert f"Total params: {model.count_params():,}" in summary
        assert_self_average_loads_back(request, str(tmp_path / f"attention{index}.h5"), [query, value], expected,
                                       str(tmp_path / f"merged{index}.h5"))
