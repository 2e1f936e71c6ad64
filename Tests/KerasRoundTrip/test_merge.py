"""Merged files against real Keras: every mode, N = 2 and 3, shared and separate inputs.

For each case the merged file is loaded by Keras 3 (keras.models.load_model, default safe
mode) and by tf_keras; their predictions are compared with `ensemble predict` on the merged
file, with `ensemble predict` on the members directly, and with the mode's formula applied to
the members' own Keras outputs (stored by fixtures/generate.py).
"""
import numpy as np
import pytest

from conftest import fixture, predict_npz, run

X = "expected/k2_member_a.input0.npy"
MEMBERS = {
    "a": ("models/k2_member_a.h5", "expected/k2_member_a.output0.npy"),
    "b": ("models/k2_member_b.h5", "expected/k2_member_b.output0.npy"),
    "c": ("models/k3_member_c.h5", "expected/k3_member_c.output0.npy"),
}


def formula(mode, outs, weights=None):
    stack = np.stack(outs)
    if mode == "sum":
        return stack.sum(0)
    if mode == "product":
        return stack.prod(0)
    if mode == "average":
        return stack.mean(0)
    if mode == "max":
        return stack.max(0)
    if mode == "min":
        return stack.min(0)
    if mode == "weighted":
        return sum(w * o for w, o in zip(weights, outs))
    if mode == "concat":
        return np.concatenate(outs, axis=-1)
    raise ValueError(mode)


def mode_args(mode, count):
    if mode == "weighted":
        return (["--weighted", "0.25"], [0.25, 0.75]) if count == 2 else (["--weighted", "1,2,5"], [1 / 8, 2 / 8, 5 / 8])
    return [f"--{mode}"], None


def keras_predictions(path, inputs, keras3, tf_keras):
    feed = inputs if len(inputs) > 1 else inputs[0]
    k3 = keras3.models.load_model(path).predict(feed, verbose=0)
    k2 = tf_keras.models.load_model(path).predict(feed, verbose=0)
    return k3, k2


@pytest.mark.parametrize("mode", ["sum", "product", "average", "max", "min", "weighted", "concat"])
@pytest.mark.parametrize("names", ["ab", "abc"])
@pytest.mark.parametrize("separate", [False, True])
def test_mode(tmp_path, keras3, tf_keras, mode, names, separate):
    models = [fixture(MEMBERS[n][0]) for n in names]
    outs = [np.load(fixture(MEMBERS[n][1])) for n in names]
    x = np.load(fixture(X))
    flags, weights = mode_args(mode, len(names))
    flags = flags + (["--separate-inputs"] if separate else [])
    merged = str(tmp_path / "merged.h5")
    run("merge", *flags, *models, "-o", merged)
    inputs = [x] * (len(names) if separate else 1)
    input_args = sum((["--input", fixture(X)] for _ in inputs), [])

    expected = formula(mode, outs, weights)
    (ours_file,) = predict_npz(merged, *input_args)
    (ours_direct,) = predict_npz(*flags, *models, *input_args)
    k3, k2 = keras_predictions(merged, inputs, keras3, tf_keras)

    np.testing.assert_allclose(ours_file, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ours_direct, ours_file, rtol=0, atol=0)
    np.testing.assert_allclose(k3, ours_file, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(k2, ours_file, rtol=1e-5, atol=1e-5)


def test_seed_pair_weighted(tmp_path, keras3, tf_keras):
    """Issue 3's case: Input(5)→Dense(100)→Dense(10) and Input(7)→Dense(70)→Dense(10), --weighted 0.1."""
    merged = str(tmp_path / "merged.h5")
    run("merge", "--weighted", "0.1", fixture("models/k2_seed_a.h5"), fixture("models/k2_seed_b.h5"), "-o", merged)
    summary = run("summary", merged).stdout.decode()
    assert "Total params: 2,880 (11.25 KB)" in summary
    xa, xb = np.load(fixture("expected/k2_seed_a.input0.npy")), np.load(fixture("expected/k2_seed_b.input0.npy"))
    oa, ob = np.load(fixture("expected/k2_seed_a.output0.npy")), np.load(fixture("expected/k2_seed_b.output0.npy"))
    expected = 0.1 * oa + 0.9 * ob
    (ours,) = predict_npz(merged, "--input", fixture("expected/k2_seed_a.input0.npy"), "--input", fixture("expected/k2_seed_b.input0.npy"))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    k3, k2 = keras_predictions(merged, [xa, xb], keras3, tf_keras)
    np.testing.assert_allclose(k3, ours, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(k2, ours, rtol=1e-5, atol=1e-5)
    assert keras3.models.load_model(merged).count_params() == 2880
    assert tf_keras.models.load_model(merged).count_params() == 2880


def test_merged_file_merges_again(tmp_path, keras3, tf_keras):
    first = str(tmp_path / "ab.h5")
    second = str(tmp_path / "abc.h5")
    run("merge", "--average", fixture(MEMBERS["a"][0]), fixture(MEMBERS["b"][0]), "-o", first)
    run("merge", "--sum", first, fixture(MEMBERS["c"][0]), "-o", second)
    outs = [np.load(fixture(MEMBERS[n][1])) for n in "abc"]
    expected = (outs[0] + outs[1]) / 2 + outs[2]
    (ours,) = predict_npz(second, "--input", fixture(X))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    k3, k2 = keras_predictions(second, [np.load(fixture(X))], keras3, tf_keras)
    np.testing.assert_allclose(k3, ours, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(k2, ours, rtol=1e-5, atol=1e-5)
    summary = run("summary", second).stdout.decode()
    totals = [int(line.split(":")[1].split("(")[0].replace(",", "")) for line in summary.splitlines() if "Total params" in line]
    member_totals = [tf_keras.models.load_model(fixture(MEMBERS[n][0])).count_params() for n in "ab"]
    member_totals.append(keras3.models.load_model(fixture(MEMBERS["c"][0])).count_params())
    assert totals == [sum(member_totals)]


def test_nested_members_are_inlined(tmp_path, keras3, tf_keras):
    """Members holding nested Sequential/Functional models and a shared layer, from both versions."""
    merged = str(tmp_path / "nested.h5")
    run("merge", "--average", fixture("models/k2_nested.h5"), fixture("models/k3_nested.h5"), "-o", merged)
    x = np.load(fixture("expected/k2_nested.input0.npy"))
    o2 = np.load(fixture("expected/k2_nested.output0.npy"))
    o3 = keras3.models.load_model(fixture("models/k3_nested.h5")).predict(x, verbose=0)
    (ours,) = predict_npz(merged, "--input", fixture("expected/k2_nested.input0.npy"))
    np.testing.assert_allclose(ours, (o2 + o3) / 2, rtol=1e-4, atol=1e-4)
    k3, k2 = keras_predictions(merged, [x], keras3, tf_keras)
    np.testing.assert_allclose(k3, ours, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(k2, ours, rtol=1e-5, atol=1e-5)


def test_pipeline_through_stdin_and_stdout():
    merged = run("merge", "--average", fixture(MEMBERS["a"][0]), fixture(MEMBERS["c"][0])).stdout
    assert merged[:8] == b"\x89HDF\r\n\x1a\n"
    result = run("predict", "-", "--input", fixture(X), stdin=merged)
    ours = np.array([[float(v) for v in line.split(",")] for line in result.stdout.decode().split()])
    outs = [np.load(fixture(MEMBERS[n][1])) for n in "ac"]
    np.testing.assert_allclose(ours, (outs[0] + outs[1]) / 2, rtol=1e-4, atol=1e-4)


def test_incompatible_shapes_fail_before_writing(tmp_path):
    target = tmp_path / "never.h5"
    result = run("merge", "--sum", fixture(MEMBERS["a"][0]), fixture("models/k3_member_wide.h5"), "-o", str(target), check=False)
    assert result.returncode == 65
    message = result.stderr.decode()
    assert "(None, 4)" in message and "(None, 3)" in message and "--sum" in message, message
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_concat_of_different_widths(tmp_path, keras3):
    merged = str(tmp_path / "cat.h5")
    run("merge", "--concat", fixture(MEMBERS["a"][0]), fixture("models/k3_member_wide.h5"), "-o", merged)
    expected = np.concatenate([np.load(fixture(MEMBERS["a"][1])), np.load(fixture("expected/k3_member_wide.output0.npy"))], -1)
    np.testing.assert_allclose(keras3.models.load_model(merged).predict(np.load(fixture(X)), verbose=0), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mode", [["--weighted", "0.1"], ["--concat"]])
def test_keras_archive_output(tmp_path, keras3, mode):
    """merge -o x.keras writes a Keras 3 archive that keras.models.load_model reads."""
    merged = str(tmp_path / "merged.keras")
    run("merge", *mode, fixture(MEMBERS["a"][0]), fixture("models/k3_member_c.keras"), "-o", merged)
    outs = [np.load(fixture(MEMBERS[n][1])) for n in "ac"]
    expected = 0.1 * outs[0] + 0.9 * outs[1] if mode[0] == "--weighted" else np.concatenate(outs, -1)
    x = np.load(fixture(X))
    np.testing.assert_allclose(keras3.models.load_model(merged).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
    (ours,) = predict_npz(merged, "--input", fixture(X))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


def test_weights_only_members_with_config(tmp_path, keras3, tf_keras):
    """Weights-only files (Keras 2 save_weights, Keras 3 .weights.h5) merge with --config."""
    merged = str(tmp_path / "merged.h5")
    run(
        "merge", "--average", fixture("models/k2_mlp_weights.h5"), fixture("models/k3_mlp.weights.h5"),
        "--config", fixture("models/k2_mlp_architecture.json"), "--config", fixture("models/k3_mlp_architecture.json"),
        "-o", merged)
    x = np.load(fixture("expected/k2_mlp.input0.npy"))
    expected = (tf_keras.models.load_model(fixture("models/k2_mlp.h5")).predict(x, verbose=0)
                + keras3.models.load_model(fixture("models/k3_mlp.h5")).predict(x, verbose=0)) / 2
    np.testing.assert_allclose(tf_keras.models.load_model(merged).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)


def test_multi_head_attention_members(tmp_path, keras3, tf_keras):
    """MultiHeadAttention: tf_keras reads the merged .h5, Keras 3 the merged .keras (the two
    loaders want different configs for this layer in .h5, and merge says so)."""
    members = [fixture("models/k2_mha_member.h5"), fixture("models/k3_mha_member.h5")]
    x = np.load(fixture("expected/k2_mha_member.input0.npy"))
    expected = (np.load(fixture("expected/k2_mha_member.output0.npy")) + np.load(fixture("expected/k3_mha_member.output0.npy"))) / 2
    h5, archive = str(tmp_path / "m.h5"), str(tmp_path / "m.keras")
    result = run("merge", "--average", *members, "-o", h5)
    assert "write a .keras archive for Keras 3" in result.stderr.decode()
    run("merge", "--average", *members, "-o", archive)
    np.testing.assert_allclose(tf_keras.models.load_model(h5).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(keras3.models.load_model(archive).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
    (ours,) = predict_npz(h5, "--input", fixture("expected/k2_mha_member.input0.npy"))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


def test_keras_archive_of_nested_and_recurrent_members(tmp_path, keras3):
    """.keras output in Keras 3's own node format, for inlined nested models and RNN members."""
    archive = str(tmp_path / "nested.keras")
    run("merge", "--average", fixture("models/k2_nested.h5"), fixture("models/k3_nested.keras"), "-o", archive)
    x = np.load(fixture("expected/k2_nested.input0.npy"))
    k3_out = keras3.models.load_model(fixture("models/k3_nested.h5")).predict(x, verbose=0)
    expected = (np.load(fixture("expected/k2_nested.output0.npy")) + k3_out) / 2
    np.testing.assert_allclose(keras3.models.load_model(archive).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
    archive = str(tmp_path / "rnn.keras")
    run("merge", "--sum", fixture("models/k2_gru_reset_before.h5"), fixture("models/k3_gru_reset_before.keras"), "-o", archive)
    x = np.load(fixture("expected/k2_gru_reset_before.input0.npy"))
    k3_out = keras3.models.load_model(fixture("models/k3_gru_reset_before.h5")).predict(x, verbose=0)
    expected = np.load(fixture("expected/k2_gru_reset_before.output0.npy")) + k3_out
    np.testing.assert_allclose(keras3.models.load_model(archive).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("suffix", [".h5", ".keras"])
def test_wrapped_layers_from_both_versions(tmp_path, keras3, tf_keras, suffix):
    """Bidirectional and TimeDistributed members from Keras 2 and 3: their inner layers are
    rewritten so that every loader of the format reads them."""
    merged = str(tmp_path / f"birnn{suffix}")
    run("merge", "--sum", fixture("models/k2_birnn_member.h5"), fixture("models/k3_birnn_member.h5"), "-o", merged)
    x = np.load(fixture("expected/k2_birnn_member.input0.npy"))
    expected = np.load(fixture("expected/k2_birnn_member.output0.npy")) + np.load(fixture("expected/k3_birnn_member.output0.npy"))
    loaders = [keras3] + ([tf_keras] if suffix == ".h5" else [])
    for keras in loaders:
        np.testing.assert_allclose(keras.models.load_model(merged).predict(x, verbose=0), expected, rtol=1e-4, atol=1e-4)
