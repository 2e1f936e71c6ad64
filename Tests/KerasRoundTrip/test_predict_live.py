"""ensemble predict against Keras predicting live from the same file (not stored arrays)."""
import numpy as np
import pytest

from conftest import fixture, predict_npz


@pytest.mark.parametrize("name", ["k2_mlp", "k2_nested", "k2_normalization", "k2_activation_layers"])
def test_keras2_file(tf_keras, name):
    model = tf_keras.models.load_model(fixture(f"models/{name}.h5"), compile=False)
    x = np.load(fixture(f"expected/{name}.input0.npy"))
    expected = model.predict(x, verbose=0)
    (ours,) = predict_npz(fixture(f"models/{name}.h5"), "--input", fixture(f"expected/{name}.input0.npy"))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("name", ["k3_mlp", "k3_activations", "k3_reshaping", "k3_embedding"])
def test_keras3_file(keras3, name):
    model = keras3.models.load_model(fixture(f"models/{name}.h5"), compile=False)
    x = np.load(fixture(f"expected/{name}.input0.npy"))
    expected = model.predict(x, verbose=0)
    (ours,) = predict_npz(fixture(f"models/{name}.h5"), "--input", fixture(f"expected/{name}.input0.npy"))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4)
