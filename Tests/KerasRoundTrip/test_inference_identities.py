"""Layers that are the identity at inference (Identity and the Random* augmentation layers) and
Keras 3 models of a dictionary of outputs, built here by real Keras in both versions and both
file formats, predicted by ensemble through the release binary against Keras's own prediction,
and merged into a file both loaders read."""
import io

import numpy as np
import pytest

from conftest import RELEASE, assert_self_average_loads_back, run


def augmentations(keras):
    layers = keras.layers
    made = [layers.RandomFlip("horizontal"), layers.RandomRotation(0.2), layers.RandomZoom(0.3),
            layers.RandomContrast(0.5), layers.RandomTranslation(0.1, 0.2), layers.RandomBrightness(0.2)]
    if hasattr(layers, "Identity"):
        made.append(layers.Identity())
    return made


def npz(*args):
    archive = np.load(io.BytesIO(run("predict", *args, "--format", "npz", binary=RELEASE).stdout))
    return [archive[name] for name in archive.files]


# Keras 3 cannot write these layers to .h5 (its legacy saver fails to pickle their seed generators).
@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("keras3", "keras")])
def test_augmentation_layers_are_the_identity_at_inference(request, tmp_path, loader, extension):
    keras = request.getfixturevalue(loader)
    inputs = keras.Input((8, 8, 3))
    x = inputs
    for layer in augmentations(keras):
        x = layer(x)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    outputs = keras.layers.Dense(3)(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    path = str(tmp_path / f"augmented.{extension}")
    model.save(path)
    data = np.random.default_rng(3).uniform(0, 255, size=(6, 8, 8, 3)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    expected = model.predict(data, verbose=0)
    (ours,) = npz(path, "--input", str(tmp_path / "x.npy"))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
    assert_self_average_loads_back(request, path, data, expected, str(tmp_path / "merged.h5"))


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("keras3", "keras")])
def test_center_crop_takes_the_middle_window(request, tmp_path, loader, extension):
    keras = request.getfixturevalue(loader)
    model = keras.Sequential([keras.Input((9, 8, 2)), keras.layers.CenterCrop(4, 5),
                              keras.layers.Conv2D(3, 2), keras.layers.Flatten()])
    path = str(tmp_path / f"crop.{extension}")
    model.save(path)
    data = np.random.default_rng(5).normal(size=(4, 9, 8, 2)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    (ours,) = npz(path, "--input", str(tmp_path / "x.npy"))
    np.testing.assert_allclose(ours, model.predict(data, verbose=0), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("loader,extension", [("tf_keras", "h5"), ("tf_keras", "keras"), ("keras3", "keras")])
def test_random_crop_at_inference_as_each_keras_does(request, tmp_path, loader, extension):
    """tf_keras resizes to the crop's aspect ratio and size (smart_resize); Keras 3 passes the
    image on unchanged. Merging says the two differ."""
    keras = request.getfixturevalue(loader)
    model = keras.Sequential([keras.Input((8, 11, 3)), keras.layers.RandomCrop(4, 6), keras.layers.Flatten()])
    path = str(tmp_path / f"crop.{extension}")
    model.save(path)
    data = np.random.default_rng(6).normal(size=(3, 8, 11, 3)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    (ours,) = npz(path, "--input", str(tmp_path / "x.npy"))
    np.testing.assert_allclose(ours, model.predict(data, verbose=0), rtol=1e-4, atol=1e-4)
    note = run("merge", "--average", path, path, "-o", str(tmp_path / "merged.h5"), binary=RELEASE).stderr.decode()
    assert "acts differently at inference in the two Keras versions" in note, note


@pytest.mark.parametrize("extension", ["keras", "h5"])
def test_a_dictionary_of_outputs_is_every_output_in_key_order(tmp_path, keras3, extension):
    inputs = keras3.Input((5,))
    hidden = keras3.layers.Dense(8, activation="relu")(inputs)
    model = keras3.Model(inputs, {"reg": keras3.layers.Dense(1, name="reg_head")(hidden),
                                  "cls": keras3.layers.Dense(3, activation="softmax", name="cls_head")(hidden)})
    path = str(tmp_path / f"heads.{extension}")
    model.save(path)
    data = np.random.default_rng(4).normal(size=(7, 5)).astype("float32")
    np.save(tmp_path / "x.npy", data)
    expected = model.predict(data, verbose=0)
    ours = npz(path, "--input", str(tmp_path / "x.npy"))
    assert len(ours) == 2
    for got, key in zip(ours, sorted(expected)):
        np.testing.assert_allclose(got, expected[key], rtol=1e-4, atol=1e-4)


def test_a_tf_keras_keras_archive_computes_tf_keras_maths(tmp_path, tf_keras):
    """A `.keras` archive written by tf_keras carries Keras 3's `module` keys in its config,
    but tf_keras's maths: hard_sigmoid's slope 0.2 and l2_normalize's bound, not Keras 3's."""
    inputs = tf_keras.Input((6,))
    x = tf_keras.layers.Dense(6)(inputs)
    x = tf_keras.layers.Activation("hard_sigmoid")(x)
    model = tf_keras.Model(inputs, tf_keras.layers.UnitNormalization()(tf_keras.layers.Dense(4)(x)))
    path = str(tmp_path / "maths.keras")
    model.save(path)
    data = np.random.default_rng(8).normal(0, 4, size=(16, 6)).astype("float32")
    data[0] = 0
    np.save(tmp_path / "x.npy", data)
    (ours,) = npz(path, "--input", str(tmp_path / "x.npy"))
    np.testing.assert_allclose(ours, model.predict(data, verbose=0), rtol=1e-4, atol=1e-4)
