"""A batch runs in passes (Sources/Graph/Schedule.swift): steps on large images a few samples
at a time, a Dense whose weights outgrow L2 many rows at a time, so tensors cross from one
pass size to another at segment boundaries. Checked against Keras on batches that split into
ragged passes, with and without a residual addition between the two, and behind a step that
unfolds time."""
import io

import numpy as np
import pytest

from conftest import RELEASE, run


def model_with_two_pass_sizes(keras, residual):
    # 64×64×16 activations (256 KB a sample) give passes of a few images; the Dense's
    # 30·30·16 × 64 kernel (921,600 weights) takes the whole batch.
    inputs = keras.Input((64, 64, 3))
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    if residual:
        y = keras.layers.Conv2D(16, 3, padding="same")(x)
        x = keras.layers.Activation("relu")(keras.layers.Add()([x, y]))
    x = keras.layers.MaxPooling2D()(keras.layers.Conv2D(16, 3)(x))
    x = keras.layers.Dense(64, activation="relu")(keras.layers.Flatten()(x))
    outputs = keras.layers.Dense(10)(x)
    return keras.Model(inputs, outputs)


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("samples,batch", [(37, None), (50, 25)])
def test_passes_match_keras(request, tmp_path, residual, samples, batch):
    keras = request.getfixturevalue("tf_keras")
    keras.utils.set_random_seed(3)
    model = model_with_two_pass_sizes(keras, residual)
    path = str(tmp_path / "m.h5")
    model.save(path)
    x = np.random.default_rng(4).uniform(-1, 1, (samples, 64, 64, 3)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    expected = model.predict(x, verbose=0)
    assert expected.std() > 1e-3, "the outputs must differ from sample to sample"
    extra = [] if batch is None else ["--batch-size", str(batch)]
    ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                  *extra, binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(expected).max())))


def test_a_step_that_unfolds_time_takes_the_whole_batch(tmp_path, tf_keras):
    # TimeDistributed runs its convolution on (batch·time) frames and unfolds them; the Dense
    # after it (128 KB a sample in, as much out) would take passes of 4, which the unfolding,
    # whose input is not batch-first, must not.
    tf_keras.utils.set_random_seed(5)
    inputs = tf_keras.Input((4, 32, 32, 3))
    x = tf_keras.layers.TimeDistributed(tf_keras.layers.Conv2D(8, 3, padding="same"))(inputs)
    x = tf_keras.layers.GlobalAveragePooling3D()(tf_keras.layers.Dense(8)(x))
    model = tf_keras.Model(inputs, tf_keras.layers.Dense(3)(x))
    path = str(tmp_path / "m.h5")
    model.save(path)
    x = np.random.default_rng(1).uniform(-1, 1, (16, 4, 32, 32, 3)).astype("float32")
    np.save(tmp_path / "x.npy", x)
    expected = model.predict(x, verbose=0)
    ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                  "--batch-size", "16", binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
