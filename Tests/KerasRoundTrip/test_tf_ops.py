"""tf_keras models that call TensorFlow functions (stored as TFOpLambda layers, by name) and
Keras 3 operation nodes: the allow-listed ones run and match Keras, any other is refused naming
its function, and merged files hold them as the stock layers that compute the same, which both
loaders read."""
import io

import numpy as np

from conftest import RELEASE, run


def saved(tf_keras, tmp_path, body, name="ops.h5"):
    inputs = tf_keras.Input((6,))
    model = tf_keras.Model(inputs, body(inputs))
    path = str(tmp_path / name)
    model.save(path)
    return model, path


def merged_matches(tmp_path, path, data, expected, keras3, tf_keras):
    merged = str(tmp_path / "merged.h5")
    run("merge", "--average", path, path, "-o", merged, binary=RELEASE)
    for loader in (keras3, tf_keras):
        reloaded = loader.models.load_model(merged)
        np.testing.assert_allclose(reloaded.predict(data, verbose=0), expected, rtol=1e-4, atol=1e-4)


def test_allow_listed_functions_match_keras(tmp_path, tf_keras, keras3):
    import tensorflow as tf

    def body(x):
        hidden = tf_keras.layers.Dense(8)(x)
        a = tf.nn.relu(hidden * 2.0 + 1.0)
        b = tf.math.sigmoid(hidden) / 4.0
        c = tf.math.tanh(hidden - 0.5)
        return tf_keras.layers.Dense(3)((a - b) * c + tf.nn.silu(hidden))

    model, path = saved(tf_keras, tmp_path, body)
    data = np.random.default_rng(8).normal(scale=3, size=(32, 6)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                  binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, model.predict(data, verbose=0), rtol=1e-4, atol=1e-4)
    summary = run("summary", path, binary=RELEASE).stdout.decode()
    assert f"Total params: {model.count_params():,}" in summary
    merged_matches(tmp_path, path, data, model.predict(data, verbose=0), keras3, tf_keras)


def test_other_functions_are_refused_by_name(tmp_path, tf_keras):
    import tensorflow as tf
    _, path = saved(tf_keras, tmp_path, lambda x: tf.math.square(x))
    result = run("predict", path, "--input", "-", stdin=b"1,2,3,4,5,6\n", check=False, binary=RELEASE)
    assert result.returncode == 65
    assert "calls the TensorFlow function 'math.square', which ensemble does not run yet" in result.stderr.decode()


def test_keras3_operation_nodes_match_keras(tmp_path, keras3, tf_keras):
    from keras import ops
    inputs = keras3.Input((6,))
    hidden = keras3.layers.Dense(8)(inputs)
    # MobileNetV3's hard swish as Keras 3 writes it, and numbers on either side of a tensor.
    swish = hidden * (ops.relu6(hidden + 3.0) * (1.0 / 6.0))
    mixed = (2.0 - ops.sigmoid(hidden)) * ops.tanh(hidden) - swish / 4.0
    model = keras3.Model(inputs, keras3.layers.Dense(3)(keras3.activations.relu(mixed)))
    path = str(tmp_path / "k3ops.keras")
    model.save(path)
    data = np.random.default_rng(9).normal(scale=4, size=(32, 6)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                  binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, model.predict(data, verbose=0), rtol=1e-4, atol=1e-4)
    merged_matches(tmp_path, path, data, model.predict(data, verbose=0), keras3, tf_keras)
    square = keras3.Model(inputs, ops.square(inputs))
    square.save(str(tmp_path / "square.keras"))
    result = run("check", str(tmp_path / "square.keras"), check=False, binary=RELEASE)
    assert result.returncode == 65 and "the Keras 3 operation 'Square' is not one ensemble runs yet" in result.stdout.decode()
