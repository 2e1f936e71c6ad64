"""Every fixture through the optimised (release) binary, compared with Keras's outputs.

The debug build is what the other tests run; the release build once crashed where the debug
build did not (a compiler miscompile, see Sources/Graph/Kernels/Dispatch.swift), so the binary
users run is checked too. `make test` builds it and sets ENSEMBLE_RELEASE."""
import io
import json
import os
import subprocess

import numpy as np
import pytest

from conftest import FIXTURES, fixture

RELEASE = os.environ.get("ENSEMBLE_RELEASE")


def records():
    for version in ("2", "3"):
        with open(os.path.join(FIXTURES, f"manifest_k{version}.json")) as manifest:
            yield from json.load(manifest)


@pytest.mark.skipif(not RELEASE, reason="ENSEMBLE_RELEASE is not set (make test sets it)")
@pytest.mark.parametrize("record", list(records()), ids=lambda r: r["name"])
def test_release_binary_predicts_as_keras(record):
    args = [RELEASE, "predict", fixture(record["model"]), "--format", "npz"]
    args += sum((["--input", fixture(path)] for path in record["inputs"]), [])
    if "config" in record:
        args += ["--config", fixture(record["config"])]
    result = subprocess.run(args, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()[:2000]
    archive = np.load(io.BytesIO(result.stdout))
    assert len(archive.files) == len(record["outputs"])
    for name, expected in zip(archive.files, record["outputs"]):
        np.testing.assert_allclose(archive[name], np.load(fixture(expected)), rtol=1e-4, atol=1e-4)
