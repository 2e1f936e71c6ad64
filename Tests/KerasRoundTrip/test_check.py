"""`ensemble check`: every problem of every file at once, from the configs, with the merge's."""
import json

from conftest import RELEASE, fixture, run

A, B, MLP = (fixture(f"models/{name}.h5") for name in ("k2_seed_a", "k2_seed_b", "k2_mlp"))


def check(*args):
    return run("check", *args, check=False, binary=RELEASE)


def test_clean_models_and_their_merge_pass():
    result = check("--weighted", "0.1", A, B)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert lines[0].startswith(A + ": .h5, Keras 2.21.0, 3 layers: ok") and lines[-1] == "merge: ok"


def test_every_refused_layer_is_listed_at_once(tmp_path, tf_keras, keras3):
    # tf_keras stores tf.math.cumsum as a TFOpLambda layer (not on the list); the model also
    # holds a Lambda layer.
    import tensorflow as tf
    inputs = tf_keras.Input((8, 8, 3))
    summed = tf.math.cumsum(inputs, axis=1)
    doubled = tf_keras.layers.Lambda(lambda x: x * 2)(summed)
    model = tf_keras.Model(inputs, tf_keras.layers.Flatten()(doubled))
    path = str(tmp_path / "ops.h5")
    model.save(path)
    result = check(path, A, "--json")
    assert result.returncode == 65
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["merge"] is None
    problems = report["models"][0]["problems"]
    assert any("(TFOpLambda)" in p and "'math.cumsum'" in p for p in problems), problems
    assert any("(Lambda)" in p for p in problems), problems
    assert report["models"][1]["problems"] == [] and report["models"][1]["layers"] == 3


def test_a_merge_that_cannot_combine_the_shapes_is_reported():
    result = check("--sum", A, MLP)
    assert result.returncode == 65
    assert "merge: problem: --sum needs outputs of one shape" in result.stdout.decode()
