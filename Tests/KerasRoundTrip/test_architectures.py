"""Published architectures (Keras Applications, built here with random weights: nothing
third-party is stored) through the release binary against Keras's own prediction, with the
summary's total equal to count_params()."""
import io

import numpy as np
import pytest

from conftest import RELEASE, run


def randomised(model, seed):
    """Weights drawn so that activations neither vanish nor explode through the depth."""
    rng = np.random.default_rng(seed)
    weights = []
    for variable in model.weights:
        name, shape = variable.name if hasattr(variable, "name") else "", tuple(variable.shape)
        path = getattr(variable, "path", name)
        if "variance" in path:
            weights.append(rng.uniform(0.5, 1.5, shape))
        elif "gamma" in path:
            weights.append(rng.uniform(0.8, 1.2, shape))
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            weights.append(rng.normal(0, 1 / np.sqrt(max(fan_in, 1)), shape))
    model.set_weights([w.astype("float32") for w in weights])
    return model


ARCHITECTURES = [
    # MobileNetV3's hard swish: TFOpLambda layers in tf_keras, operation nodes in Keras 3.
    ("tf_keras", "h5", "MobileNetV3Small", (96, 96, 3)),
    ("keras3", "keras", "MobileNetV3Small", (96, 96, 3)),
    # ConvNeXt: LayerScale, LayerNormalization, 7×7 depthwise convolutions, GELU.
    ("tf_keras", "h5", "ConvNeXtTiny", (32, 32, 3)),
    ("keras3", "keras", "ConvNeXtTiny", (32, 32, 3)),
    # InceptionResNetV2: CustomScaleLayer (registered as Custom>CustomScaleLayer by tf_keras).
    ("keras3", "keras", "InceptionResNetV2", (75, 75, 3)),
    ("tf_keras", "h5", "InceptionResNetV2", (75, 75, 3)),
    # RegNet (tf_keras only): its stem rescales with TensorFlow functions, grouped convolutions;
    # the Y variant's squeeze-and-excite blocks.
    ("tf_keras", "h5", "RegNetX002", (64, 64, 3)),
    ("tf_keras", "keras", "RegNetY002", (64, 64, 3)),
]


@pytest.mark.parametrize("loader,extension,name,shape", ARCHITECTURES)
def test_published_architecture(request, tmp_path, loader, extension, name, shape):
    keras = request.getfixturevalue(loader)
    model = randomised(getattr(keras.applications, name)(input_shape=shape, weights=None, classes=10,
                                                         classifier_activation=None), 1)
    path = str(tmp_path / f"{name}.{extension}")
    model.save(path)
    x = np.random.default_rng(2).uniform(0, 255, size=(2,) + shape).astype("float32")
    np.save(tmp_path / "x.npy", x)
    expected = model.predict(x, verbose=0)
    assert expected.std() > 1e-2, "the random weights must give outputs that differ"
    ours = np.load(io.BytesIO(run("predict", path, "--input", str(tmp_path / "x.npy"), "--format", "npy",
                                  binary=RELEASE).stdout))
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * max(1.0, float(np.abs(expected).max())))
    assert f"Total params: {model.count_params():,}" in run("summary", path, binary=RELEASE).stdout.decode()
    if name in ("MobileNetV3Small", "RegNetY002", "InceptionResNetV2"):
        # Merged, their TensorFlow functions or operation nodes become stock layers (RegNetY's
        # broadcast gate a Multiply), and InceptionResNetV2's CustomScaleLayer a Rescaling and
        # an Add. Keras 3's MobileNetV3 also holds Activation('hard_silu'), which tf_keras does
        # not know.
        merged = str(tmp_path / "merged.h5")
        run("merge", "--average", path, path, "-o", merged, binary=RELEASE)
        for other in ("keras3", "tf_keras") if loader == "tf_keras" else ("keras3",):
            reloaded = request.getfixturevalue(other).models.load_model(merged)
            np.testing.assert_allclose(reloaded.predict(x, verbose=0), expected, rtol=1e-4,
                                       atol=1e-4 * max(1.0, float(np.abs(expected).max())))
