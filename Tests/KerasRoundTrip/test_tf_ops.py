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
    _, path = saved(tf_keras, tmp_path, lambda x: tf.math.cumsum(x, axis=1))
    result = run("predict", path, "--input", "-", stdin=b"1,2,3,4,5,6\n", check=False, binary=RELEASE)
    assert result.returncode == 65
    assert "calls the TensorFlow function 'math.cumsum', which ensemble does not run yet" in result.stderr.decode()


def predicted(tmp_path, path, data):
    """ensemble's outputs for `data`, by the release binary, one array per model output."""
    np.save(tmp_path / "x.npy", data)
    out = tmp_path / "out.npz"
    run("predict", path, "--input", str(tmp_path / "x.npy"), "-o", str(out), "--force", binary=RELEASE)
    with np.load(out) as arrays:
        return [arrays[name] for name in arrays.files]


def shaping_model(library, ops, dense):
    """Reshape, transpose, mean, concatenation, clipping, a cast, expand/squeeze, math functions,
    a batched product, slicing with an index, max and sum reductions, maximum/minimum with
    numbers, in the spelling of `ops` (TensorFlow's or keras.ops)."""
    i = library.Input((4, 6))
    x = dense(6)(i)
    a = ops["reshape"](x, (-1, 6, 4))
    b = ops["transpose"](a, (0, 2, 1))
    c = ops["mean"](b, axis=1, keepdims=True)
    d = ops["concat"]([b, c], axis=1)
    e = ops["clip"](d, -0.5, 0.7)
    f = ops["squeeze"](ops["expand_dims"](ops["cast"](e, "float32"), 1), axis=1)
    k = ops["sqrt"](ops["abs"](x)) + ops["square"](f[:, :4]) - ops["log"](ops["abs"](x) + 1.0)
    m = ops["matmul"](k, ops["transpose"](k, (0, 2, 1)))
    s = m[:, 1:4:2, -1]
    r = ops["max"](ops["maximum"](m, -1.0), axis=[1, 2])
    n = ops["sum"](ops["minimum"](ops["negative"](m), 2.0), axis=-1)
    return library.Model(i, [s, r, dense(3)(n)])


def test_shaping_reducing_and_math_functions_match_keras(tmp_path, tf_keras, keras3):
    import tensorflow as tf
    from keras import ops
    tensorflow = {"reshape": tf.reshape, "transpose": tf.transpose, "mean": tf.reduce_mean, "concat": tf.concat,
                  "clip": tf.clip_by_value, "cast": tf.cast, "expand_dims": tf.expand_dims, "squeeze": tf.squeeze,
                  "sqrt": tf.math.sqrt, "abs": tf.math.abs, "square": tf.math.square, "log": tf.math.log,
                  "matmul": tf.linalg.matmul, "max": tf.reduce_max, "sum": tf.reduce_sum, "maximum": tf.math.maximum,
                  "minimum": tf.math.minimum, "negative": tf.math.negative}
    keras_ops = dict(tensorflow, reshape=ops.reshape, transpose=ops.transpose, mean=ops.mean,
                     concat=lambda xs, axis: ops.concatenate(xs, axis=axis), clip=ops.clip, cast=ops.cast,
                     expand_dims=ops.expand_dims, squeeze=ops.squeeze, sqrt=ops.sqrt, abs=ops.absolute,
                     square=ops.square, log=ops.log, matmul=ops.matmul, max=ops.max, sum=ops.sum,
                     maximum=ops.maximum, minimum=ops.minimum, negative=ops.negative)
    data = np.random.default_rng(12).normal(scale=3, size=(16, 4, 6)).astype("float32")
    for library, spelling, suffixes in ((tf_keras, tensorflow, (".h5", ".keras")), (keras3, keras_ops, (".keras",))):
        model = shaping_model(library, spelling, library.layers.Dense)
        expected = model.predict(data, verbose=0)
        for suffix in suffixes:
            path = str(tmp_path / f"shaping{suffix}")
            model.save(path)
            ours = predicted(tmp_path, path, data)
            assert len(ours) == len(expected)
            for mine, theirs in zip(ours, expected):
                np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4)
            summary = run("summary", path, binary=RELEASE).stdout.decode()
            assert f"Total params: {model.count_params():,}" in summary


def test_stack_split_and_unstack_match_keras(tmp_path, tf_keras, keras3):
    # Equal parts and given sizes (tf.split's −1, Keras 3's cut indices), unstacked steps, and
    # stacks along a middle and the last axis; every output compared.
    import tensorflow as tf
    from keras import ops

    def model_of(library, split, sizes, unstack, stack):
        i = library.Input((4, 6))
        x = library.layers.Dense(6)(i)
        a, b = split(x, 2, axis=2)
        parts = split(x, sizes, axis=1)
        steps = unstack(x, axis=1)
        return library.Model(i, [stack([a, b], axis=1), parts[1], steps[2], stack(steps, axis=-1)])

    data = np.random.default_rng(14).normal(scale=3, size=(8, 4, 6)).astype("float32")
    spellings = ((tf_keras, tf.split, [1, -1, 2], tf.unstack, tf.stack, (".h5", ".keras")),
                 (keras3, ops.split, [1, 2], ops.unstack, ops.stack, (".keras",)))
    for library, split, sizes, unstack, stack, suffixes in spellings:
        model = model_of(library, split, sizes, unstack, stack)
        expected = model.predict(data, verbose=0)
        for suffix in suffixes:
            path = str(tmp_path / f"split{suffix}")
            model.save(path)
            ours = predicted(tmp_path, path, data)
            assert [a.shape for a in ours] == [e.shape for e in expected]
            for mine, theirs in zip(ours, expected):
                np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4)


def test_reshape_transpose_concat_and_cast_merge_as_stock_layers_both_loaders_read(tmp_path, tf_keras, keras3):
    import tensorflow as tf
    from keras import ops
    data = np.random.default_rng(13).normal(scale=3, size=(16, 4, 6)).astype("float32")
    spellings = ((tf_keras, tf.reshape, tf.transpose, lambda xs: tf.concat(xs, axis=-1), tf.cast, ".h5"),
                 (keras3, ops.reshape, ops.transpose, lambda xs: ops.concatenate(xs, axis=-1), ops.cast, ".keras"))
    for library, reshape, transpose, concat, cast, suffix in spellings:
        i = library.Input((4, 6))
        x = library.layers.Dense(6)(i)
        y = concat([transpose(reshape(x, (-1, 6, 4)), (0, 2, 1)), cast(x, "float32")])
        model = library.Model(i, library.layers.Dense(3)(library.layers.Flatten()(y)))
        folder = tmp_path / suffix[1:]
        folder.mkdir()
        path = str(folder / f"shaped{suffix}")
        model.save(path)
        merged_matches(folder, path, data, model.predict(data, verbose=0), keras3, tf_keras)


def test_functions_without_a_stock_layer_are_refused_by_merge_with_the_reason(tmp_path, tf_keras):
    import tensorflow as tf
    _, path = saved(tf_keras, tmp_path, lambda x: tf_keras.layers.Dense(3)(tf.math.sqrt(tf.math.abs(x))))
    merged = tmp_path / "merged.h5"
    result = run("merge", "--average", path, path, "-o", str(merged), check=False, binary=RELEASE)
    assert result.returncode == 65
    assert "no stock layer that both loaders read" in result.stderr.decode()
    assert not merged.exists()


def test_unsupported_arguments_are_refused_with_the_reason(tmp_path, tf_keras):
    import tensorflow as tf
    cases = [(lambda x: tf.cast(x, tf.int32), "a cast to int32 is not a float32 computation"),
             (lambda x: tf.reduce_sum(x), "a reduction over every axis, the batch included, is not supported"),
             (lambda x: tf.reshape(x, (3, -1)), "only a reshape that keeps the batch axis first")]
    for index, (body, message) in enumerate(cases):
        _, path = saved(tf_keras, tmp_path, body, name=f"bad{index}.h5")
        result = run("predict", path, "--input", "-", stdin=b"1,2,3,4,5,6\n", check=False, binary=RELEASE)
        assert result.returncode == 65 and message in result.stderr.decode(), result.stderr.decode()


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
    cumulative = keras3.Model(inputs, ops.cumsum(inputs, axis=1))
    cumulative.save(str(tmp_path / "cumsum.keras"))
    result = run("check", str(tmp_path / "cumsum.keras"), check=False, binary=RELEASE)
    assert result.returncode == 65 and "the Keras 3 operation 'Cumsum' is not one ensemble runs yet" in result.stdout.decode()
