"""summary's FLOPs against TensorFlow's own profiler, and --graph rendered by Graphviz: the
pictures have one node per layer and one edge per connection, through the release binary."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import RELEASE, fixture, run

SEED = [fixture("models/k2_seed_a.h5"), fixture("models/k2_seed_b.h5")]
CNNS = [fixture("models/k2_cnn_a.h5"), fixture("models/k3_cnn_b.keras")]


def ensemble(*args, **kwargs):
    return run(*args, binary=RELEASE, **kwargs)


def summary_json(*args):
    return json.loads(ensemble("summary", "--json", *args).stdout)


def tensorflow_flops(path, input_shape, tf_keras):
    """FLOPs per layer scope from tf.compat.v1.profiler on the model's frozen graph, batch 1."""
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2
    model = tf_keras.models.load_model(path, compile=False)
    function = tf.function(lambda x: model(x)).get_concrete_function(tf.TensorSpec([1, *input_shape], tf.float32))
    frozen = convert_variables_to_constants_v2(function)
    builder = tf.compat.v1.profiler.ProfileOptionBuilder
    options = builder(builder.float_operation()).with_empty_output().build()
    profile = tf.compat.v1.profiler.profile(
        graph=frozen.graph, run_meta=tf.compat.v1.RunMetadata(), cmd="scope", options=options)
    per_layer = {}
    for node in profile.children:
        layer = node.name.split("/")[1]
        per_layer[layer] = per_layer.get(layer, 0) + node.total_float_ops
    return per_layer


@pytest.mark.parametrize("name, input_shape", [("k2_mlp", [6]), ("k2_cnn_a", [16, 16, 1])])
def test_flops_agree_with_tensorflows_profiler(tf_keras, name, input_shape):
    """TensorFlow counts the same products, biases, pooling and softmax; it leaves ReLU and
    tanh uncounted, where ensemble counts one per element."""
    ours = summary_json(fixture(f"models/{name}.h5"))
    theirs = tensorflow_flops(fixture(f"models/{name}.h5"), input_shape, tf_keras)
    config = {layer.name: layer.get_config() for layer in tf_keras.models.load_model(
        fixture(f"models/{name}.h5"), compile=False).layers}
    for layer in ours["layers"]:
        if layer["class_name"] == "InputLayer":
            continue
        elements = 1
        for dim in layer["output_shape"][1:]:
            elements *= dim
        uncounted = elements if config[layer["name"]].get("activation") in ("relu", "tanh") else 0
        assert layer["flops"] == theirs.get(layer["name"], 0) + uncounted, (layer["name"], layer["flops"], theirs)
    assert ours["total_flops"] == sum(layer["flops"] for layer in ours["layers"])


def plain(dot_text):
    """Graphviz's own parse of a DOT text: its node and edge lines (dot -Tplain)."""
    result = subprocess.run(["dot", "-Tplain"], input=dot_text, capture_output=True, check=True)
    lines = result.stdout.decode().splitlines()
    return [l for l in lines if l.startswith("node ")], [l for l in lines if l.startswith("edge ")]


@pytest.mark.parametrize("args", [
    ["--weighted", "0.1", *SEED], ["--average", *CNNS], [fixture("models/k2_merging.h5")],
    [fixture("models/k2_nested.h5")], ["--expand-nested", fixture("models/k2_nested.h5")],
])
def test_graph_has_a_node_per_layer_and_an_edge_per_connection(args):
    dot = ensemble("summary", "--graph", *args).stdout
    nodes, edges = plain(dot)
    facts = summary_json(*[a for a in args if a != "--expand-nested"])
    if "--expand-nested" in args:
        assert len(nodes) > len(facts["layers"]) and "cluster" in dot.decode()
        return
    layers = facts["layers"]
    inputs = 0 if any(l["class_name"] == "InputLayer" for l in layers) else len(facts["inputs"])
    assert len(nodes) == len(layers) + inputs, (len(nodes), [l["name"] for l in layers])
    assert len(edges) == sum(len(l["connected_to"]) for l in layers) + (inputs if inputs else 0)


def test_members_are_clusters_and_shared_inputs_stay_outside():
    dot = ensemble("summary", "--graph", "--average", *CNNS).stdout.decode()
    assert dot.count("subgraph cluster_") == 2
    assert f'label="{CNNS[0]}"' in dot and f'label="{CNNS[1]}"' in dot
    outside = dot.split("subgraph cluster_")[0]
    assert '"image" [' in outside, "the shared input is drawn outside the members"
    assert 'fillcolor="#fff3c4"' in dot.split("subgraph cluster_1")[1], "the merge layer is marked"
    lr = ensemble("summary", "--graph", "--rankdir", "LR", "--no-show-shapes", "--average", *CNNS).stdout.decode()
    assert "rankdir=LR" in lr and "(None, 16, 16, 1)" not in lr


def test_rendered_svg_and_png(tmp_path):
    svg, png = tmp_path / "m.svg", tmp_path / "m.png"
    ensemble("summary", "--graph", "--weighted", "0.1", *SEED, "-o", str(svg))
    ensemble("summary", "--graph", "--weighted", "0.1", *SEED, "-o", str(png))
    assert b"<svg" in svg.read_bytes() and b"ensemble_weighted" in svg.read_bytes()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_missing_graphviz_says_how_to_get_it(tmp_path):
    result = subprocess.run(
        [RELEASE, "summary", "--graph", *SEED, "--sum", "-o", str(tmp_path / "m.svg")],
        capture_output=True, env=dict(os.environ, PATH=str(tmp_path)))
    assert result.returncode == 1
    assert "apt-get install graphviz" in result.stderr.decode() and "FILE.dot" in result.stderr.decode()
    assert list(tmp_path.iterdir()) == []
