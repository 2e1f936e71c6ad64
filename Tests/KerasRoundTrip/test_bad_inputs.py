"""Whatever arrives, ensemble answers with one clear line and a documented exit code, never a
crash, a hang, a partial or hidden file, or a change to anything it was not asked to write.

The corpus is generated here, from the fixtures, into each test's own folder: files that are
not HDF5, empty or truncated, byte mutants, broken configs and weights, absurd dimensions,
NaN and Inf, bad inputs, special files, outputs that are inputs, full disks, closed streams,
signals mid-write and merges that cannot be. Run through the release binary.
"""
import hashlib
import json
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import RELEASE, fixture

MLP = fixture("models/k2_mlp.h5")
X = fixture("expected/k2_mlp.input0.npy")
SIGNALS = {-s for s in (signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE, signal.SIGABRT, signal.SIGTRAP)}


def ensemble(*args, timeout=20, **kwargs):
    return subprocess.run([RELEASE, *args], capture_output=True, timeout=timeout, **kwargs)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def one_line_error(result, code):
    message = result.stderr.decode()
    assert result.returncode == code, f"exit {result.returncode}, expected {code}: {message}"
    assert message.startswith("Error: ") and message.count("\n") == 1, message
    return message


def copy_with(tmp_path, name, edit):
    """A copy of the k2 MLP fixture changed by `edit(h5py.File)`."""
    path = tmp_path / name
    path.write_bytes(open(MLP, "rb").read())
    with h5py.File(path, "r+") as f:
        edit(f)
    return str(path)


def config_edit(change):
    def edit(f):
        config = json.loads(f.attrs["model_config"])
        change(config)
        f.attrs["model_config"] = json.dumps(config)
    return edit


def test_not_hdf5_empty_and_truncated(tmp_path):
    text = tmp_path / "text.h5"
    text.write_text("this is not a model\n")
    assert "not an HDF5 file" in one_line_error(ensemble("summary", str(text)), 65)
    empty = tmp_path / "empty.h5"
    empty.write_bytes(b"")
    one_line_error(ensemble("summary", str(empty)), 65)
    data = open(MLP, "rb").read()
    for offset in np.linspace(8, len(data) - 1, 25).astype(int):
        cut = tmp_path / f"cut{offset}.h5"
        cut.write_bytes(data[:offset])
        one_line_error(ensemble("summary", str(cut)), 65)


def test_byte_mutants_never_crash_or_hang(tmp_path):
    data = open(MLP, "rb").read()
    rng = np.random.default_rng(2026)
    outcomes = {}
    for index in range(200):
        mutant = bytearray(data)
        for _ in range(rng.integers(1, 8)):
            mutant[rng.integers(0, len(mutant))] = rng.integers(0, 256)
        path = tmp_path / "mutant.h5"
        path.write_bytes(mutant)
        result = ensemble("predict", str(path), "--input", X, timeout=20)
        assert result.returncode not in SIGNALS and result.returncode >= 0, (index, result.stderr.decode())
        assert result.returncode in (0, 65), (index, result.returncode, result.stderr.decode())
        if result.returncode == 65:
            one_line_error(result, 65)
        outcomes[result.returncode] = outcomes.get(result.returncode, 0) + 1
    assert outcomes.get(65, 0) > 20, outcomes


@pytest.mark.parametrize("name, edit, message", [
    ("no_config.h5", lambda f: f.attrs.__delitem__("model_config"), "weights-only file with no model_config"),
    ("bad_json.h5", lambda f: f.attrs.__setitem__("model_config", "{not json"), "not valid JSON"),
    ("list_json.h5", lambda f: f.attrs.__setitem__("model_config", "[1, 2]"), "model_config has no class_name"),
    ("unknown.h5", config_edit(lambda c: c["config"]["layers"][1].__setitem__("class_name", "FancyLayer")),
     "unsupported layer class 'FancyLayer'"),
    ("lambda.h5", config_edit(lambda c: c["config"]["layers"][1].__setitem__("class_name", "Lambda")),
     "Python bytecode"),
    ("no_weight.h5", lambda f: f["model_weights/dense/dense"].__delitem__("kernel:0"), "dense"),
    ("units.h5", config_edit(lambda c: c["config"]["layers"][1]["config"].__setitem__("units", 17)),
     "expected [6, 17]"),
    ("huge_units.h5", config_edit(lambda c: c["config"]["layers"][1]["config"].__setitem__("units", 2 ** 62)),
     "dense"),
    ("negative_dim.h5",
     config_edit(lambda c: c["config"]["layers"][0]["config"].__setitem__("batch_input_shape", [None, -5])),
     "layer"),
    ("zero_dim.h5",
     config_edit(lambda c: c["config"]["layers"][0]["config"].__setitem__("batch_input_shape", [None, 0])),
     "layer"),
])
def test_broken_configs_and_weights(tmp_path, name, edit, message):
    path = copy_with(tmp_path, name, edit)
    before = digest(path)
    text = one_line_error(ensemble("predict", path, "--input", X), 65)
    assert message in text, text
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == [name]


def test_nan_and_inf_pass_through_and_verify_reports_them(tmp_path):
    def poison(f):
        kernel = f["model_weights/dense/dense/kernel:0"]
        values = kernel[...]
        values[0, 0], values[1, 1] = np.nan, np.inf
        kernel[...] = values
    path = copy_with(tmp_path, "nan.h5", poison)
    result = ensemble("predict", path, "--input", X)
    assert result.returncode == 0, result.stderr.decode()
    assert "nan" in result.stdout.decode().lower()
    report = ensemble("verify", path)
    assert report.returncode == 65
    assert "layer 'dense' has 1 NaN and 1 infinite weight values" in report.stdout.decode()
    inputs = tmp_path / "x.npy"
    x = np.load(X)
    x[0, 0] = np.nan
    np.save(inputs, x)
    assert ensemble("predict", MLP, "--input", str(inputs)).returncode == 0


def test_verify_detects_weights_changed_after_merge(tmp_path):
    merged = str(tmp_path / "merged.h5")
    assert ensemble("merge", "--weighted", "0.1", fixture("models/k2_seed_a.h5"), fixture("models/k2_seed_b.h5"),
                    "-o", merged).returncode == 0
    assert ensemble("verify", merged).returncode == 0
    with h5py.File(merged, "r+") as f:  # one weight changed in place, as a flipped byte would
        bias = f["model_weights/a_out/a_out/bias:0"]
        values = bias[...]
        values[3] += 0.5
        bias[...] = values
    report = ensemble("verify", merged)
    assert report.returncode == 65
    assert "differ from the stored test vector" in report.stdout.decode()


@pytest.mark.parametrize("content, message", [
    ("1,2,3\n4,5\n", "line 1 has 3 values, expected 6"),
    ("1,2,3,4,5,6\n1,2,x,4,5,6\n", "line 2, column 3: 'x' is not a number"),
])
def test_bad_csv(tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_text(content)
    assert message in one_line_error(ensemble("predict", MLP, "--input", str(path)), 65)


def test_bad_arrays(tmp_path):
    for name, array in [("wide.npy", np.zeros((3, 7), "float32")), ("rank.npy", np.zeros((3, 2, 3), "float32")),
                        ("text.npy", np.array(["a", "b"]))]:
        path = tmp_path / name
        np.save(path, array)
        one_line_error(ensemble("predict", MLP, "--input", str(path)), 65)


def test_missing_files_directories_and_special_files(tmp_path):
    assert "no such file" in one_line_error(ensemble("summary", str(tmp_path / "none.h5")), 66)
    assert "is a directory" in one_line_error(ensemble("summary", str(tmp_path)), 66)
    one_line_error(ensemble("summary", "/dev/null"), 66)
    one_line_error(ensemble("predict", MLP, "--input", str(tmp_path / "none.npy")), 66)
    one_line_error(ensemble("predict", MLP, "--input", str(tmp_path)), 66)


def test_outputs_that_cannot_be_created(tmp_path):
    before = digest(MLP)
    assert "does not exist" in one_line_error(
        ensemble("predict", MLP, "--input", X, "-o", str(tmp_path / "no" / "out.csv")), 73)
    assert "is a directory" in one_line_error(ensemble("predict", MLP, "--input", X, "-o", str(tmp_path)), 73)
    link = tmp_path / "link.h5"
    link.symlink_to(MLP)
    hard = tmp_path / "hard.h5"
    os.link(X, hard)
    for target in (link, hard):
        text = one_line_error(ensemble("predict", MLP, "--input", X, "-o", str(target), "--force"), 73)
        assert "one of the inputs" in text
    existing = tmp_path / "out.csv"
    existing.write_text("mine\n")
    assert "--force" in one_line_error(ensemble("predict", MLP, "--input", X, "-o", str(existing)), 73)
    assert existing.read_text() == "mine\n"
    assert digest(MLP) == before and digest(X) == digest(hard)
    assert sorted(os.listdir(tmp_path)) == ["hard.h5", "link.h5", "out.csv"]


def test_special_outputs_are_written_as_streams(tmp_path):
    result = ensemble("predict", MLP, "--input", X, "-o", "/dev/full", "--force")
    assert "No space left on device" in one_line_error(result, 74)
    assert os.path.exists("/dev/full") and not os.path.isfile("/dev/full")
    assert ensemble("predict", MLP, "--input", X, "-o", "/dev/null", "--force").returncode == 0
    assert not os.path.isfile("/dev/null")
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert ensemble("predict", MLP, "--input", X, "-o", str(fifo)).returncode == 0
    assert len(reader.communicate(timeout=10)[0].decode().splitlines()) == 16
    assert os.path.exists(fifo) and not os.path.isfile(fifo), "the FIFO stays a FIFO"


def test_full_or_closed_standard_streams():
    with open("/dev/full", "wb") as full:
        for command in (["predict", MLP, "--input", X], ["summary", MLP]):
            result = subprocess.run([RELEASE, *command], stdout=full, stderr=subprocess.PIPE, timeout=20)
            assert "No space left on device" in one_line_error(result, 74)
        stderr_full = subprocess.run([RELEASE, "predict", MLP, "--input", X], stdout=subprocess.PIPE, stderr=full)
        assert stderr_full.returncode == 0 and len(stderr_full.stdout.splitlines()) == 16
    closed = subprocess.run(f"{RELEASE} summary {MLP} >&-", shell=True, capture_output=True)
    assert "standard output: it is closed" in one_line_error(closed, 74)
    no_stderr = subprocess.run(f"{RELEASE} predict {MLP} --input {X} 2>&-", shell=True, capture_output=True)
    assert no_stderr.returncode == 0 and len(no_stderr.stdout.splitlines()) == 16
    quiet = subprocess.run(f"{RELEASE} predict {MLP} --input {X} | head -1", shell=True, capture_output=True)
    assert quiet.stderr == b"" and len(quiet.stdout.splitlines()) == 1


def test_incompatible_merges_write_nothing(tmp_path):
    out = tmp_path / "m.h5"
    text = one_line_error(ensemble("merge", "--sum", fixture("models/k2_member_a.h5"),
                                   fixture("models/k3_member_wide.h5"), "-o", str(out)), 65)
    assert "needs outputs of one shape" in text
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def big_models(tmp_path_factory, tf_keras):
    """Two 80 MB models, so that a merge is still writing when a signal comes."""
    folder = tmp_path_factory.mktemp("big")
    paths = []
    for index in range(2):
        model = tf_keras.Sequential([tf_keras.Input((1024,)), tf_keras.layers.Dense(4096),
                                     tf_keras.layers.Dense(4096), tf_keras.layers.Dense(10)])
        path = str(folder / f"big{index}.h5")
        model.save(path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_signals_mid_merge_leave_nothing_behind(tmp_path, big_models, signal_number):
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3):
        out = tmp_path / "merged.h5"
        process = subprocess.Popen([RELEASE, "merge", "--average", *big_models, "-o", str(out), "--force"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        process.send_signal(signal_number)
        process.wait(timeout=30)
        left = [name for name in os.listdir(tmp_path) if name != "merged.h5"]
        assert left == [], (delay, left)
        if out.exists():  # the signal came after the rename: the file is whole
            assert ensemble("verify", str(out)).returncode == 0
            out.unlink()


def test_standard_output_is_never_staged_through_a_temporary_file(tmp_path):
    env = dict(os.environ, TMPDIR=str(tmp_path))
    piped = subprocess.run(
        [RELEASE, "merge", "--sum", fixture("models/k2_member_a.h5"), fixture("models/k2_member_b.h5"), "-o", "-"],
        capture_output=True, env=env, timeout=30)
    assert piped.returncode == 0 and piped.stdout[:4] == b"\x89HDF"
    from_stdin = subprocess.run([RELEASE, "summary", "-"], input=piped.stdout, capture_output=True, env=env)
    assert from_stdin.returncode == 0, from_stdin.stderr.decode()
    assert list(tmp_path.iterdir()) == []


CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


@pytest.mark.parametrize("name", sorted(n for n in os.listdir(CORPUS) if n.endswith(".h5")))
def test_fuzzer_findings_are_one_line_errors(name):
    """Files `make fuzz` found crashing or hanging libhdf5 (H5HG_read, H5MM_strdup on damaged
    headers): the command line isolates them as a damaged-file error."""
    result = ensemble("summary", os.path.join(CORPUS, name), timeout=30)
    assert result.returncode not in SIGNALS and result.returncode >= 0
    one_line_error(result, 65)


def test_fuzzer_findings_in_npy_headers():
    text = one_line_error(ensemble("predict", MLP, "--input", os.path.join(CORPUS, "negative-shape.npy")), 65)
    assert "negative shape [16, -6]" in text, text
    text = one_line_error(ensemble("predict", MLP, "--input", os.path.join(CORPUS, "short-version2-header.npy")), 65)
    assert "truncated header" in text, text
