"""The merges after the element-wise ones, through the release binary, against real Keras:
the weighted product rule, features from inner layers (--layer), hard and soft votes,
--subtract, and the weight-space merges (--soup, --slerp, --task-arithmetic).

Expected values are float64 NumPy on the members' own Keras outputs (stored by
fixtures/generate.py) or on Keras's own weights and layers, loaded live; every merged file is
loaded back by Keras 3 and tf_keras.
"""
import io

import numpy as np
import pytest

from conftest import RELEASE, fixture, run

X = fixture("expected/k2_member_a.input0.npy")
SOFTMAX = ["k2_soup_0", "k3_soup_1"]  # Dense(4, softmax) classifiers on x
SIGMOID = ["k2_member_b", "k3_sigmoid_member"]  # Dense(4, sigmoid) on x


def model(name):
    return fixture(f"models/{name}.h5")


def output(name):
    return np.load(fixture(f"expected/{name}.output0.npy")).astype("float64")


def ensemble(*args, check=True):
    return run(*args, check=check, binary=RELEASE)


def predict(*args):
    """`ensemble predict … --input x --format npy`, as an array."""
    return np.load(io.BytesIO(ensemble("predict", *args, "--input", X, "--format", "npy").stdout))


def loaded(path, keras3, tf_keras):
    """The merged file's predictions on x in Keras 3 and in tf_keras."""
    x = np.load(X)
    return [loader.models.load_model(path).predict(x, verbose=0) for loader in (keras3, tf_keras)]


def merged(tmp_path, *args):
    path = str(tmp_path / f"merged{len(list(tmp_path.glob('merged*.h5')))}.h5")
    ensemble("merge", *args, "-o", path)
    return path


def refused(tmp_path, *args, code=65):
    """Runs a merge that must fail: its exit code, its one-line message (a usage error is
    followed by the usage lines, as swift-argument-parser prints them), and nothing written."""
    folder = tmp_path / "refused"
    folder.mkdir(exist_ok=True)
    result = ensemble("merge", *args, "-o", str(folder / "out.h5"), check=False)
    assert result.returncode == code, result.stderr.decode()
    message = result.stderr.decode()
    assert message.startswith("Error: ") and (message.count("\n") == 1 or code == 64), message
    if code == 64:
        assert message.splitlines()[1].startswith("Usage: ensemble merge"), message
    assert list(folder.iterdir()) == [], list(folder.iterdir())
    return message


def test_weighted_product_of_softmax_members_is_the_renormalised_product(tmp_path, keras3, tf_keras):
    p = [output(name) for name in SOFTMAX]
    product = p[0] ** 0.3 * p[1] ** 0.7
    expected = product / product.sum(-1, keepdims=True)
    args = ["--weighted-product", "0.3", *map(model, SOFTMAX)]
    np.testing.assert_allclose(predict(*args), expected, atol=1e-5)
    for keras_out in loaded(merged(tmp_path, *args), keras3, tf_keras):
        np.testing.assert_allclose(keras_out, expected, atol=1e-5)


def test_weighted_product_of_sigmoid_members_renormalises_over_two_outcomes(tmp_path, keras3, tf_keras):
    p = [output(name) for name in SIGMOID]
    yes, no = p[0] ** 0.25 * p[1] ** 0.75, (1 - p[0]) ** 0.25 * (1 - p[1]) ** 0.75
    expected = yes / (yes + no)
    args = ["--weighted-product", "1,3", *map(model, SIGMOID)]
    np.testing.assert_allclose(predict(*args), expected, atol=1e-5)
    for keras_out in loaded(merged(tmp_path, *args), keras3, tf_keras):
        np.testing.assert_allclose(keras_out, expected, atol=1e-5)


def test_weighted_product_of_other_positive_outputs_is_predict_only(tmp_path):
    names = ["k2_member_b", "k3_member_c"]  # sigmoid and softplus: positive, not one rule
    expected = output(names[0]) ** 0.4 * output(names[1]) ** 0.6
    np.testing.assert_allclose(predict("--weighted-product", "0.4", *map(model, names)), expected, rtol=1e-5)
    message = refused(tmp_path, "--weighted-product", "0.4", *map(model, names))
    assert "no stock Keras layer computes" in message and "ensemble predict computes it" in message


def test_weighted_product_of_a_non_positive_output_names_member_and_row():
    result = ensemble(
        "predict", "--weighted-product", "0.5", model("k2_member_a"), model("k3_member_c"), "--input", X, check=False)
    assert result.returncode == 65 and result.stdout == b""
    first_bad_row = int(np.argmax((output("k2_member_a") <= 0).any(-1))) + 1
    message = result.stderr.decode()
    assert f"row {first_bad_row} of the input: {model('k2_member_a')} gives -" in message, message
    assert "needs positive outputs" in message


def keras_features(path, index, keras3, tf_keras):
    loader = tf_keras if "/k2_" in path else keras3
    member = loader.models.load_model(path)
    return loader.Model(member.inputs, member.layers[index].output).predict(np.load(X), verbose=0)


def test_average_of_penultimate_layers(tmp_path, keras3, tf_keras):
    paths = [model(n) for n in ["k2_soup_0", "k2_soup_1", "k3_soup_2"]]
    expected = np.mean([keras_features(p, -2, keras3, tf_keras) for p in paths], axis=0)
    args = ["--average", "--layer", "-2", *paths]
    np.testing.assert_allclose(predict(*args), expected, atol=1e-5)
    path = merged(tmp_path, *args)
    for keras_out in loaded(path, keras3, tf_keras):
        np.testing.assert_allclose(keras_out, expected, atol=1e-5)
    layers = [layer.name for layer in tf_keras.models.load_model(path).layers]
    assert not any(name.endswith("classes") for name in layers), "layers after the cut are dropped"


def test_feature_extraction_from_one_model_and_one_layer_per_member(keras3, tf_keras):
    path = model("k2_cnn_a")
    np.testing.assert_allclose(
        np.load(io.BytesIO(ensemble(
            "predict", "--layer", "-2", path, "--input", fixture("expected/k2_cnn_a.input0.npy"), "--format", "npy",
        ).stdout)),
        tf_keras.Model(*(lambda m: (m.inputs, m.layers[-2].output))(tf_keras.models.load_model(path))).predict(
            np.load(fixture("expected/k2_cnn_a.input0.npy")), verbose=0),
        atol=1e-5)
    names = ["k2_soup_0", "k3_soup_1"]
    expected = keras_features(model(names[0]), 1, keras3, tf_keras) + keras_features(model(names[1]), 2, keras3, tf_keras)
    np.testing.assert_allclose(
        predict("--sum", "--layer", "hidden", "--layer", "norm", *map(model, names)), expected, atol=1e-5)


def test_layer_errors_list_the_choices():
    result = ensemble("predict", "--layer", "nope", model("k2_soup_0"), "--input", X, check=False)
    assert result.returncode == 65
    assert result.stderr.decode() == (
        f"Error: {model('k2_soup_0')}: --layer 'nope': no such layer; "
        "layers that can be chosen: 0 x, 1 hidden, 2 norm, 3 classes\n")
    result = ensemble("predict", "--layer", "-9", model("k2_soup_0"), "--input", X, check=False)
    assert "the model has 4 layers" in result.stderr.decode()


def scikit_learn_vote(outs, weights):
    """VotingClassifier(voting="hard"): argmax of the weighted bincount of the members' argmax."""
    votes = np.stack([o.argmax(-1) for o in outs], axis=1)
    winners = [np.argmax(np.bincount(row, weights=weights, minlength=outs[0].shape[-1])) for row in votes]
    return np.eye(outs[0].shape[-1])[winners]


def test_hard_vote_follows_scikit_learn_and_soft_vote_is_the_average(tmp_path):
    names = ["k2_soup_0", "k3_soup_1", "k2_soup_far"]
    outs = [output(n) for n in names]
    np.testing.assert_array_equal(predict("--vote", "hard", *map(model, names)), scikit_learn_vote(outs, None))
    np.testing.assert_array_equal(
        predict("--vote", "hard", "--weights", "1,1,3", *map(model, names)), scikit_learn_vote(outs, [1, 1, 3]))
    np.testing.assert_allclose(predict("--vote", "soft", *map(model, names)), np.mean(outs, 0), atol=1e-6)
    assert "argmax" in refused(tmp_path, "--vote", "hard", *map(model, names), code=64)


def test_subtract_is_first_minus_second(tmp_path, keras3, tf_keras):
    names = ["k2_member_a", "k3_member_c"]
    expected = output(names[0]) - output(names[1])
    np.testing.assert_allclose(predict("--subtract", *map(model, names)), expected, atol=1e-5)
    for keras_out in loaded(merged(tmp_path, "--subtract", *map(model, names)), keras3, tf_keras):
        np.testing.assert_allclose(keras_out, expected, atol=1e-5)
    assert "takes exactly 2 models, got 3" in refused(
        tmp_path, "--subtract", *map(model, names + ["k2_member_b"]))


SOUP = ["k2_soup_0", "k2_soup_1", "k2_soup_2"]


def with_weights(tf_keras, weights):
    """A k2 soup member carrying `weights`, predicting x in tf_keras."""
    member = tf_keras.models.load_model(model(SOUP[0]))
    member.set_weights([w.astype("float32") for w in weights])
    return member.predict(np.load(X), verbose=0)


def keras_weights(tf_keras, names):
    return [[w.astype("float64") for w in tf_keras.models.load_model(model(n)).get_weights()] for n in names]


def check_weight_merge(tmp_path, keras3, tf_keras, args, expected_weights, names=SOUP):
    expected = with_weights(tf_keras, expected_weights)
    np.testing.assert_allclose(predict(*args, *map(model, names)), expected, atol=1e-5)
    path = merged(tmp_path, *args, *map(model, names))
    for keras_out in loaded(path, keras3, tf_keras):
        np.testing.assert_allclose(keras_out, expected, atol=1e-5)
    written = tf_keras.models.load_model(path)
    assert [layer.name for layer in written.layers] == ["x", "hidden", "norm", "classes"]
    for ours, theirs in zip(written.get_weights(), expected_weights):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)


def test_soup_averages_every_weight_and_statistic(tmp_path, keras3, tf_keras):
    members = keras_weights(tf_keras, SOUP)
    check_weight_merge(tmp_path, keras3, tf_keras, ["--soup"], [np.mean(ws, 0) for ws in zip(*members)])
    weights = np.array([1, 2, 5]) / 8
    check_weight_merge(
        tmp_path, keras3, tf_keras, ["--soup", "--weights", "1,2,5"],
        [sum(w * t for w, t in zip(weights, ws)) for ws in zip(*members)])


def numpy_slerp(t, v0, v1):
    """mergekit's slerp, in float64."""
    n0, n1 = v0 / max(np.linalg.norm(v0), 1e-8), v1 / max(np.linalg.norm(v1), 1e-8)
    dot = np.sum(n0 * n1)
    if np.abs(dot) > 0.9995:
        return (1 - t) * v0 + t * v1
    theta = np.arccos(dot)
    return np.sin((1 - t) * theta) / np.sin(theta) * v0 + np.sin(t * theta) / np.sin(theta) * v1


def test_slerp_per_tensor(tmp_path, keras3, tf_keras):
    a, b = keras_weights(tf_keras, SOUP[:2])
    check_weight_merge(
        tmp_path, keras3, tf_keras, ["--slerp", "0.3"], [numpy_slerp(0.3, x, y) for x, y in zip(a, b)], SOUP[:2])
    assert "exactly two models" in refused(tmp_path, "--slerp", "0.3", *map(model, SOUP))


def test_task_arithmetic(tmp_path, keras3, tf_keras):
    (base,) = keras_weights(tf_keras, ["k2_soup_base"])
    members = keras_weights(tf_keras, SOUP[:2])
    expected = [b + 0.5 * sum(m[i] - b for m in members) for i, b in enumerate(base)]
    check_weight_merge(
        tmp_path, keras3, tf_keras, ["--task-arithmetic", "--base", model("k2_soup_base"), "--scale", "0.5"],
        expected, SOUP[:2])


def test_soup_refuses_other_architectures_and_warns_when_far_apart(tmp_path):
    message = refused(tmp_path, "--soup", model("k2_soup_0"), model("k2_member_b"))
    assert "differ in architecture" in message and "config 'units' is 8 against 5" in message
    result = ensemble("predict", "--soup", model("k2_soup_0"), model("k2_soup_far"), "--input", X)
    assert "far apart in weight space" in result.stderr.decode(), result.stderr.decode()
    quiet = ensemble("predict", "--soup", *map(model, SOUP), "--input", X)
    assert quiet.stderr == b"", quiet.stderr.decode()


@pytest.mark.parametrize("args, message", [
    (["--subtract", "--weights", "1,2"], "--weights goes with --soup or --vote hard"),
    (["--task-arithmetic"], "--task-arithmetic needs --base B.h5"),
    (["--soup", "--base", "b.h5"], "--base and --scale go with --task-arithmetic"),
    (["--soup", "--slerp", "0.5"], "give one merge mode, not both --soup and --slerp"),
    (["--weighted-product", "0.2,0.3,0.5"], "got 3 weights for 2 models"),
])
def test_misuse_is_a_usage_error_that_writes_nothing(tmp_path, args, message):
    text = refused(tmp_path, *args, model("k2_soup_0"), model("k2_soup_1"), code=64)
    assert message in text, text
