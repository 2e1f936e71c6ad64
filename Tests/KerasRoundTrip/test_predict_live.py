"""ensemble predict against Keras predicting live from the same file (not stored arrays)."""
import numpy as np
import pytest

from conftest import fixture, predict_npz

CASES = [("tf_keras", name) for name in ["k2_mlp", "k2_nested", "k2_normalization", "k2_activation_layers"]] + [
    ("keras3", name) for name in ["k3_mlp", "k3_activations", "k3_reshaping", "k3_embedding"]]


@pytest.mark.parametrize("loader,name", CASES)
def test_predict_matches_live_keras(request, loader, name):
    keras = request.getfixturevalue(loader)
    model = keras.models.load_model(fixture(f"models/{name}.h5"), compile=False)
    x = np.load(fixture(f"expected/{name}.input0.npy"))
    (ours,) = predict_npz(fixture(f"models/{name}.h5"), "--input", fixture(f"expected/{name}.input0.npy"))
    np.testing.assert_allclose(ours, model.predict(x, verbose=0), rtol=1e-4, atol=1e-4)
