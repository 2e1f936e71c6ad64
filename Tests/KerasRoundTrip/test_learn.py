"""evaluate and tune against the anchors, through the release binary, on data that ships in
scikit-learn (digits, diabetes; split by fixtures/generate.py): metrics against scikit-learn's
on the same arrays, tuned weights and objectives against scipy.optimize on the same cached
outputs, a two-model MSE case against its closed form, stacking heads against scikit-learn's
LogisticRegression and Ridge, and every written file against Keras loading it."""
import io
import json

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression, Ridge

from conftest import RELEASE, fixture, run

DIGITS = ["k2_digits_mlp", "k2_digits_tanh", "k2_digits_cnn", "k2_digits_linear"]
DIABETES = ["k2_diabetes_a", "k2_diabetes_b", "k2_diabetes_c"]
SOUP = ["k2_digits_ft0", "k2_digits_ft1", "k2_digits_ft2"]


def model(name):
    return fixture(f"models/{name}.h5")


def data(name):
    return fixture(f"data/{name}.npy")


def ensemble(*args, check=True):
    return run(*args, check=check, binary=RELEASE)


def outputs(name, x):
    """ensemble's own predictions of one member: the cached outputs tune works on."""
    return np.load(io.BytesIO(ensemble("predict", model(name), "--input", data(x), "--format", "npy").stdout)).astype(
        "float64")


def evaluate(*args):
    return json.loads(ensemble("evaluate", *args, "--json").stdout)


def tune(names, x, y, *args):
    return json.loads(ensemble("tune", *map(model, names), "--input", data(x), "--target", data(y), *args, "--json").stdout)


def test_classification_metrics_are_scikit_learns():
    result = evaluate(*map(model, DIGITS), "--input", data("digits_test_x"), "--target", data("digits_test_y"))
    y = np.load(data("digits_test_y"))
    assert result["task"] == "classification" and result["rows"] == len(y)
    predictions = [outputs(name, "digits_test_x") for name in DIGITS]
    for member, p in zip(result["members"], predictions):
        expected = {"accuracy": skm.accuracy_score(y, p.argmax(1)), "log_loss": skm.log_loss(y, p.astype("float32")),
                    "top_k_accuracy": skm.top_k_accuracy_score(y, p, k=5)}
        for key, value in expected.items():
            assert member["metrics"][key] == pytest.approx(value, rel=1e-6, abs=1e-9), (member["model"], key)
    average = np.mean(predictions, axis=0)
    assert result["ensemble"]["metrics"]["log_loss"] == pytest.approx(skm.log_loss(y, average.astype("float32")), rel=1e-4)


def test_binary_and_regression_metrics_are_scikit_learns():
    binary = evaluate(model("k2_digits_binary"), "--input", data("digits_val_x"), "--target", data("digits_val_high"))
    y, p = np.load(data("digits_val_high")), outputs("k2_digits_binary", "digits_val_x")[:, 0]
    got = binary["members"][0]["metrics"]
    assert binary["task"] == "binary"
    assert got["auc"] == pytest.approx(skm.roc_auc_score(y, p), rel=1e-9)
    assert got["log_loss"] == pytest.approx(skm.log_loss(y, p.astype("float32")), rel=1e-6)
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, p >= 0.5))
    values = evaluate(*map(model, DIABETES), "--input", data("diabetes_test_x"), "--target", data("diabetes_test_y"))
    y = np.load(data("diabetes_test_y"))
    assert values["task"] == "regression"
    for member, name in zip(values["members"], DIABETES):
        p = outputs(name, "diabetes_test_x")
        for key, function in [("mse", skm.mean_squared_error), ("mae", skm.mean_absolute_error), ("r2", skm.r2_score)]:
            assert member["metrics"][key] == pytest.approx(function(y, p), rel=1e-6), (name, key)


def scipy_simplex(objective, n):
    result = minimize(objective, np.full(n, 1 / n), method="SLSQP", bounds=[(0, 1)] * n,
                      constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1}], options={"ftol": 1e-15, "maxiter": 1000})
    return result.x, result.fun


def test_weighted_and_weighted_product_against_scipy():
    y = np.load(data("digits_val_y"))
    p = [outputs(name, "digits_val_x") for name in DIGITS]
    onehot = np.eye(10)[y]

    def loss_sum(w):
        return -np.mean(np.log(np.clip(sum(wi * pi for wi, pi in zip(w, p))[np.arange(len(y)), y], 1e-300, None)))

    def loss_product(w):
        s = sum(wi * np.log(np.clip(pi, np.finfo(np.float32).eps, None)) for wi, pi in zip(w, p))
        s -= s.max(1, keepdims=True)
        return -np.mean((onehot * (s - np.log(np.exp(s).sum(1, keepdims=True)))).sum(1))

    for method, loss in [("weighted", loss_sum), ("weighted-product", loss_product)]:
        result = tune(DIGITS, "digits_val_x", "digits_val_y", "--method", method)
        weights, objective = scipy_simplex(loss, len(DIGITS))
        np.testing.assert_allclose(result["weights"], weights, atol=1e-3, err_msg=method)
        assert result["objective"] == pytest.approx(objective, rel=1e-6), method
        assert result["objective"] <= objective + 1e-12, "not worse than scipy"
        assert result["flags"].startswith(f"--{method} ")


def test_two_model_mse_has_the_closed_form():
    y = np.load(data("diabetes_val_y"))
    e1, e2 = (outputs(name, "diabetes_val_x") - y for name in DIABETES[:2])
    a = np.clip(np.sum((e2 - e1) * e2) / np.sum((e2 - e1) ** 2), 0, 1)
    result = tune(DIABETES[:2], "diabetes_val_x", "diabetes_val_y")
    np.testing.assert_allclose(result["weights"], [a, 1 - a], atol=1e-6)
    assert result["objective"] == pytest.approx(np.mean((a * e1 + (1 - a) * e2) ** 2), rel=1e-9)


def caruana(p, y, rounds=25):
    """Greedy selection with replacement on log-loss, from the best single member."""
    counts, best = np.zeros(len(p)), (np.inf, None)
    for _ in range(rounds):
        scores = []
        for i in range(len(p)):
            trial = counts.copy()
            trial[i] += 1
            scores.append(skm.log_loss(y, (sum(c * q for c, q in zip(trial, p)) / trial.sum()).astype("float32")))
        choice = int(np.argmin(scores))
        counts[choice] += 1
        if scores[choice] < best[0]:
            best = (scores[choice], counts / counts.sum())
    return best


def test_select_is_caruanas_forward_selection():
    y = np.load(data("digits_val_y"))
    p = [outputs(name, "digits_val_x") for name in DIGITS]
    value, weights = caruana(p, y)
    result = tune(DIGITS, "digits_val_x", "digits_val_y", "--method", "select")
    np.testing.assert_allclose(result["weights"], weights, atol=1e-9)
    assert result["objective"] == pytest.approx(value, rel=1e-5)


def test_stacking_heads_match_scikit_learn_and_keras_loads_them(tmp_path, keras3, tf_keras):
    y = np.load(data("digits_val_y"))
    features = np.concatenate([outputs(name, "digits_val_x") for name in DIGITS], axis=1)
    path = str(tmp_path / "stack.h5")
    result = tune(DIGITS, "digits_val_x", "digits_val_y", "--method", "stack", "--C", "0.5", "-o", path)
    reference = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000).fit(features, y)
    expected = reference.predict_proba(features)
    ours = np.load(io.BytesIO(ensemble("predict", path, "--input", data("digits_val_x"), "--format", "npy").stdout))
    np.testing.assert_allclose(ours, expected, atol=1e-4)
    assert result["objective"] == pytest.approx(skm.log_loss(y, expected), rel=1e-3)
    for loader in (keras3, tf_keras):
        np.testing.assert_allclose(loader.models.load_model(path).predict(np.load(data("digits_val_x")), verbose=0),
                                   expected, atol=1e-4)
    values = np.concatenate([outputs(name, "diabetes_val_x") for name in DIABETES], axis=1)
    ridge_path = str(tmp_path / "ridge.h5")
    tune(DIABETES, "diabetes_val_x", "diabetes_val_y", "--method", "stack", "--C", "2", "-o", ridge_path)
    ridge = Ridge(alpha=0.5).fit(values, np.load(data("diabetes_val_y")))
    ours = np.load(io.BytesIO(ensemble("predict", ridge_path, "--input", data("diabetes_val_x"), "--format", "npy").stdout))
    np.testing.assert_allclose(ours, ridge.predict(values).reshape(ours.shape), atol=1e-4)


def test_binary_stacking_head_matches_scikit_learn(tmp_path, tf_keras):
    names = ["k2_digits_binary", "k2_digits_binary"]
    features = np.concatenate([outputs(name, "digits_val_x") for name in names], axis=1)
    path = str(tmp_path / "binary_stack.h5")
    tune(names, "digits_val_x", "digits_val_high", "--method", "stack", "--C", "3", "-o", path)
    reference = LogisticRegression(C=3, tol=1e-12, max_iter=100000).fit(features, np.load(data("digits_val_high")))
    expected = reference.predict_proba(features)[:, 1:]
    np.testing.assert_allclose(tf_keras.models.load_model(path).predict(np.load(data("digits_val_x")), verbose=0),
                               expected, atol=1e-4)


def test_tuned_weights_are_written_and_load_in_keras(tmp_path, keras3, tf_keras):
    path = str(tmp_path / "tuned.h5")
    result = tune(DIGITS, "digits_val_x", "digits_val_y", "-o", path)
    kept = [(w, name) for w, name in zip(result["weights"], DIGITS) if w > 1e-9]
    x = np.load(data("digits_test_x"))
    expected = sum(w * outputs(name, "digits_test_x") for w, name in kept)
    for loader in (keras3, tf_keras):
        np.testing.assert_allclose(loader.models.load_model(path).predict(x, verbose=0), expected, atol=1e-4)


def test_greedy_soup_and_cross_validation(tmp_path, tf_keras):
    path = str(tmp_path / "soup.h5")
    result = tune(SOUP, "digits_val_x", "digits_val_y", "--method", "soup", "--metric", "accuracy", "-o", path)
    chosen = [name for w, name in zip(result["weights"], SOUP) if w > 0]
    members = [tf_keras.models.load_model(model(name)).get_weights() for name in chosen]
    written = tf_keras.models.load_model(path).get_weights()
    for ours, theirs in zip(written, [np.mean(ws, 0) for ws in zip(*members)]):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert result["metrics"]["accuracy"] >= max(
        evaluate(model(n), "--input", data("digits_val_x"), "--target", data("digits_val_y"))["members"][0]["metrics"]["accuracy"]
        for n in SOUP[:1])
    y = np.load(data("digits_val_y"))
    p = [outputs(name, "digits_val_x") for name in DIGITS]
    folds, predictions = 4, np.zeros_like(p[0])
    for fold in range(folds):
        test = np.arange(fold * len(y) // folds, (fold + 1) * len(y) // folds)
        train = np.setdiff1d(np.arange(len(y)), test)

        def loss(w):
            mix = sum(wi * pi[train] for wi, pi in zip(w, p))
            return -np.mean(np.log(np.clip(mix[np.arange(len(train)), y[train]], 1e-300, None)))
        w, _ = scipy_simplex(loss, len(p))
        predictions[test] = sum(wi * pi[test] for wi, pi in zip(w, p))
    cv = tune(DIGITS, "digits_val_x", "digits_val_y", "--cv", str(folds))["metrics"]["cv_log_loss"]
    assert cv == pytest.approx(skm.log_loss(y, predictions.astype("float32")), rel=1e-3)


@pytest.mark.parametrize("args, message, code", [
    (["--target", data("digits_test_y")], "the targets have 397 rows and the inputs 400", 65),
    (["--target", data("diabetes_val_y")], "the targets have 70 rows", 65),
    (["--method", "soup"], "differ in architecture", 65),
])
def test_bad_targets_and_misuse(tmp_path, args, message, code):
    out = tmp_path / "out.h5"
    result = ensemble("tune", *map(model, DIGITS[:2]), "--input", data("digits_val_x"),
                      *(["--target", data("digits_val_y")] if "--target" not in args else []), *args, "-o", str(out),
                      check=False)
    assert result.returncode == code, result.stderr.decode()
    assert message in result.stderr.decode() and result.stderr.decode().count("\n") == 1, result.stderr.decode()
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_targets_that_cannot_be_used(tmp_path):
    x = data("digits_val_x")
    cases = []
    labels = np.load(data("digits_val_y")).copy()
    labels[3] = 12
    cases.append((labels, "row 4 is 12.0, not a class index in 0..<10"))
    nan = np.load(data("digits_val_y")).astype("float64")
    nan[5] = np.nan
    cases.append((nan, "row 6 is nan, not a number"))
    cases.append((np.random.default_rng(0).normal(size=(400, 10)), "the targets are values"))
    for index, (targets, message) in enumerate(cases):
        path = tmp_path / f"y{index}.npy"
        np.save(path, targets)
        result = ensemble("evaluate", *map(model, DIGITS), "--input", x, "--target", str(path), check=False)
        assert result.returncode == 65 and message in result.stderr.decode(), result.stderr.decode()
    few = ensemble("tune", model(DIGITS[0]), "--input", x, "--target", data("digits_val_y"), check=False)
    assert few.returncode == 64 and "at least two models" in few.stderr.decode()
