"""``micrograd-bp graph``: the built-in examples, --expr read safely, the output files."""

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from micrograd_bp.cli import main
from micrograd_bp.commands.graph import evaluate, parse_variables
from micrograd_bp.draw import dot_installed

pytest.importorskip("graphviz")
needs_dot = pytest.mark.skipif(not dot_installed(), reason="Graphviz's dot program is not installed")
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(path, kind="node"):
    """{title: visible text} of every <g class=kind> in an SVG file."""
    root = ET.parse(path).getroot()
    return {g.find(f"{SVG}title").text:
            " ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("class") == kind}


@needs_dot
def test_the_lecture_neuron(tmp_path, capsys):
    out = tmp_path / "neuron.svg"
    assert main(["graph", "--example", "neuron", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    texts = {t.split(" data ")[0]: t for t in svg_texts(out).values() if " data " in t}
    n = 2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432
    dn = 1 - math.tanh(n) ** 2
    assert texts["o"] == f"o data {math.tanh(n):.4f} grad 1.0000"
    assert texts["n"] == f"n data {n:.4f} grad {dn:.4f}"
    assert texts["x1*w1 + x2*w2"] == f"x1*w1 + x2*w2 data -6.0000 grad {dn:.4f}"
    assert texts["w1"] == f"w1 data -3.0000 grad {2.0 * dn:.4f}"


@needs_dot
def test_the_mlp_example_in_both_views(tmp_path):
    scalar, neurons = tmp_path / "mlp.svg", tmp_path / "neurons.svg"
    assert main(["graph", "--example", "mlp", "--out", str(scalar)]) == 0
    clusters = svg_texts(scalar, "cluster")
    assert clusters["cluster_layer1"] == "layer 1" and clusters["cluster_layer2"] == "layer 2"
    assert len([c for c in clusters if "_neuron" in c]) == 3 + 2
    assert sum("δ" in t for t in svg_texts(scalar).values()) == 5  # one δ per z node
    assert main(["graph", "--example", "mlp", "--view", "neuron", "--out", str(neurons)]) == 0
    nodes = svg_texts(neurons)
    assert {"n1_0", "n1_1", "n1_2", "n2_0", "n2_1", "root"} <= set(nodes)


@needs_dot
def test_the_output_formats(tmp_path):
    png, pdf = tmp_path / "g.png", tmp_path / "g.pdf"
    assert main(["graph", "--format", "png", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["graph", "--format", "pdf", "--out", str(pdf)]) == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


@needs_dot
@pytest.mark.parametrize("ending", ["svg", "png", "pdf"])
def test_a_slide_picture_fits_a_16_9_slide_with_large_labels(tmp_path, ending):
    out = tmp_path / f"slide.{ending}"
    assert main(["graph", "--example", "mlp", "--view", "neuron", "--size", "slide",
                 "--out", str(out)]) == 0
    data = out.read_bytes()
    if ending == "png":  # 144 dpi: at most 13.33 x 7.5 inches = 1920 x 1080 pixels
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert 1000 < width <= 1920 and height <= 1080
    elif ending == "pdf":  # at most 13.33 x 7.5 inches of 72 points
        box = [float(x) for x in re.search(rb"/MediaBox \[([^\]]*)\]", data).group(1).split()]
        assert box[2] - box[0] <= 13.34 * 72 and box[3] - box[1] <= 7.51 * 72
    else:  # the labels: 16 pt, shrunk by the fit no further than to 12 pt on the slide
        root = ET.parse(out).getroot()
        width = float(root.get("width").removesuffix("pt"))
        view = [float(x) for x in root.get("viewBox").split()]
        sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
        assert width <= 13.34 * 72 and 16.0 in sizes  # the boxes' font; clusters' is larger
        assert min(sizes) * width / view[2] >= 12


@needs_dot
def test_focus_draws_one_neuron_of_a_large_network_in_full(tmp_path):
    out = tmp_path / "focus.svg"
    assert main(["graph", "--expr", "a*b", "--var", "a=1", "--var", "b=2", "--view", "neuron",
                 "--out", str(out)]) == 2  # not an MLP: one line, no picture
    assert main(["graph", "--example", "mlp", "--view", "neuron", "--focus", "z2[1]",
                 "--out", str(out)]) == 0
    assert main(["graph", "--example", "mlp", "--view", "neuron", "--focus", "z7[1]",
                 "--out", str(out)]) == 2


@needs_dot
def test_an_expression_over_named_variables(tmp_path):
    out = tmp_path / "e.svg"
    code = main(["graph", "--expr", "a*b + c", "--var", "a=2", "--var", "b=-3",
                 "--var", "c=10", "--out", str(out)])
    assert code == 0
    texts = {t.split(" data ")[0]: t for t in svg_texts(out).values() if " data " in t}
    # L = ab + c = 4; dL/da = b, dL/db = a, dL/dc = 1
    assert texts["L"] == "L data 4.0000 grad 1.0000"
    assert texts["a"] == "a data 2.0000 grad -3.0000"
    assert texts["b"] == "b data -3.0000 grad 2.0000"
    assert texts["c"] == "c data 10.0000 grad 1.0000"


def test_expressions_are_evaluated_without_eval():
    v = parse_variables(["x=0.5", "y = 2"])
    out = evaluate("-exp(x) * y ** 2 / sigmoid(y) + relu(x) - log(y) + sin(x) * cos(x) + tanh(1)", v)
    s = 1 / (1 + math.exp(-2.0))
    expected = (-math.exp(0.5) * 4 / s + 0.5 - math.log(2) + math.sin(0.5) * math.cos(0.5)
                + math.tanh(1))
    assert out.data == pytest.approx(expected)


@pytest.mark.parametrize("expression", [
    "__import__('os').system('touch PWNED')",
    "a.__class__", "a[0]", "(lambda: 1)()", "abs(a)", "exp(a, a)", "exp(x=a)",
    "'text'", "True", "a if a else a", "[a]", "a @ a", "a // a", "a < a",
])
def test_anything_else_in_an_expression_is_refused(expression, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "--expr", expression, "--var", "a=1"]) == 2
    assert "not allowed" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing ran, nothing was written


@pytest.mark.parametrize("arguments, message", [
    (["--expr", "a + c", "--var", "a=1"], "add --var c=..."),
    (["--expr", "a +", "--var", "a=1"], "not a valid expression"),
    (["--expr", "a", "--var", "a"], "NAME=VALUE"),
    (["--expr", "a", "--var", "a=two"], "'two' is not a number"),
    (["--expr", "exp(a)", "--var", "exp=1"], "function name"),
    (["--expr", "log(a)", "--var", "a=-1"], "log is only defined for positive numbers"),
    (["--expr", "1 / (a - a)", "--var", "a=1"], "division by zero"),
    (["--example", "neuron", "--var", "a=1"], "--var only goes with --expr"),
    (["--example", "mlp", "--max-nodes", "10"], "more than --max-nodes 10; a drawing that large is "
                                                "unreadable and slow to lay out. For an MLP use --view neuron"),
    (["--example", "neuron", "--max-nodes", "3"], "error: this graph has 10 Values, more than --max-nodes 3"),
    (["--example", "neuron", "--view", "neuron"], "needs a graph built by an MLP"),
])
def test_mistakes_get_a_clear_message(arguments, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph"] + arguments) == 2
    assert message in capsys.readouterr().err


def test_without_dot_the_dot_source_is_written(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program on PATH
    out = tmp_path / "g.svg"
    assert main(["graph", "--out", str(out)]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err
    assert not out.exists()
    assert (tmp_path / "g.svg.gv").read_text(encoding="utf-8").startswith("digraph")


@needs_dot
def test_explain_prints_the_backward_steps(tmp_path, capsys):
    assert main(["graph", "--explain", "--out", str(tmp_path / "g.svg")]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("o.grad = do/do = 1.0   where o = tanh(n)")
    assert "w1.grad += x1.data × (x1*w1).grad = 2.0 × 0.5 = 1.0" in printed


def test_the_module_entry_point_shows_help():
    result = subprocess.run([sys.executable, "-m", "micrograd_bp", "graph", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--expr" in result.stdout and "--view" in result.stdout


@needs_dot
def test_steps_writes_the_backward_pass_for_slides(tmp_path, capsys):
    page, gif = tmp_path / "steps.html", tmp_path / "steps.gif"
    assert main(["graph", "--out", str(tmp_path / "g.svg"), "--steps", str(page)]) == 0
    html = page.read_text()
    # the lecture neuron has 5 interior nodes (x1*w1, x2*w2, their sum, n, o):
    # frame 0 (the forward pass) and one frame per chain-rule step
    assert html.count("<svg") == 6
    assert "w1.grad += x1.data × (x1*w1).grad = 2.0 × 0.5 = 1.0" in html
    pytest.importorskip("PIL")
    assert main(["graph", "--out", str(tmp_path / "g.svg"), "--steps", str(gif)]) == 0
    from PIL import Image
    assert Image.open(gif).n_frames == 6


def test_steps_needs_an_html_or_gif_file(capsys):
    with pytest.raises(SystemExit):
        main(["graph", "--steps", "slides.pptx"])
    assert "must end in .html or .gif" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["0", "-5", "2.5"])
def test_max_nodes_follows_one_rule(text, capsys):
    with pytest.raises(SystemExit):
        main(["graph", "--max-nodes", text])
    assert f"argument --max-nodes: must be a whole number >= 1, got '{text}'" in capsys.readouterr().err


# --- the edges: files that cannot be written, values that make no sense ------------------

def run_graph(arguments, capsys):
    """(exit code, stdout, stderr) of ``micrograd-bp graph ARGUMENTS``, in this process."""
    code = main(["graph", *arguments])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.mark.parametrize("flag, path, message", [
    ("--out", "nodir/x.svg", "--out: cannot write 'nodir/x.svg': the folder 'nodir' does not exist"),
    ("--out", ".", "--out: cannot write '.': it is a folder; give a file name such as './graph.svg'"),
    ("--out", "/", "--out: cannot write '/': it is a folder; give a file name such as '/graph.svg'"),
    ("--steps", "nodir/x.html", "--steps: cannot write 'nodir/x.html': the folder 'nodir' does not exist"),
    ("--steps", "nodir/x.gif", "--steps: cannot write 'nodir/x.gif': the folder 'nodir' does not exist"),
])
def test_an_output_that_cannot_be_written_is_one_line_before_any_work(
        flag, path, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_graph([flag, path], capsys)
    assert code == 2 and out == ""
    assert err == f"micrograd-bp graph: error: {message}\n"
    assert list(tmp_path.iterdir()) == []  # not even graph.svg


def test_a_read_only_folder_is_one_line(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    import os
    if os.access(folder, os.W_OK):  # root may write anywhere: make the check see read-only
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, mode: False if str(p) == str(folder) else real(p, mode))
    code, _, err = run_graph(["--out", str(folder / "g.svg")], capsys)
    folder.chmod(0o755)
    assert code == 2
    assert err.strip() == (f"micrograd-bp graph: error: --out: cannot write "
                           f"'{folder / 'g.svg'}': its folder is read-only")


@needs_dot
def test_steps_alone_does_not_overwrite_graph_svg(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "graph.svg").write_text("my own drawing")
    code, out, _ = run_graph(["--steps", "slides.html"], capsys)
    assert code == 0 and out == "wrote slides.html\n"
    assert (tmp_path / "graph.svg").read_text() == "my own drawing"
    assert (tmp_path / "slides.html").read_text().count("<svg") == 6


@needs_dot
def test_the_format_follows_the_file_name_and_may_not_contradict_it(tmp_path, capsys):
    png = tmp_path / "x.png"
    code, _, err = run_graph(["--format", "pdf", "--out", str(png)], capsys)
    assert code == 2 and not png.exists()
    assert err.strip() == (f"micrograd-bp graph: error: --format pdf would write PDF into "
                           f"'{png}'; end the file name in .pdf, or use --format png")
    assert run_graph(["--out", str(png)], capsys)[0] == 0
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")  # a PNG, as its name says
    code, _, err = run_graph(["--out", str(tmp_path / "x.jpg")], capsys)
    assert code == 2 and "must end in .svg, .png or .pdf" in err


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_a_variable_that_is_not_finite_is_named(value, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_graph(["--expr", "a * 2", "--var", f"a={value}"], capsys)
    assert code == 2
    assert err.strip() == (f"micrograd-bp graph: error: --var a: '{value}' was given; "
                           f"a variable needs a finite number")


@needs_dot
def test_a_variable_given_twice_or_never_used_is_a_warning(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    code, _, err = run_graph(["--expr", "a * b", "--var", "a=1", "--var", "b=2", "--var", "a=3",
                              "--var", "c=4", "--out", str(svg)], capsys)
    assert code == 0
    assert err.splitlines() == [
        "micrograd-bp graph: warning: --var a is given twice; using the last one, a=3",
        "micrograd-bp graph: warning: --var c is not used by --expr 'a * b'"]
    assert "data 3.0000" in " ".join(svg_texts(svg).values())  # a = 3, the last value


def test_a_bad_out_is_found_before_graphviz_is_needed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program on PATH
    code, _, err = run_graph(["--out", str(tmp_path / "nodir" / "g.svg")], capsys)
    assert code == 2 and "the folder" in err  # checked before anything is drawn


@pytest.mark.parametrize("expression, variables, value, grads", [
    # L = (y - t)**2: dL/dy = 2 (y - t), dL/dt = -2 (y - t)
    ("(y-t)**2", {"y": 1.0, "t": 3.0}, 4.0, {"y": -4.0, "t": 4.0}),
    # L = tanh(x)**2: dL/dx = 2 tanh(x) (1 - tanh(x)**2)
    ("tanh(x)**2", {"x": -0.5}, math.tanh(-0.5) ** 2,
     {"x": 2 * math.tanh(-0.5) * (1 - math.tanh(-0.5) ** 2)}),
    # constants stay numbers, folded as Python would: 2 ** 3 * x - (-8) ** 2 / 4
    ("2 ** 3 * x - (-8) ** 2 / 4", {"x": 1.0}, -8.0, {"x": 8.0}),
])
def test_constants_in_an_expression_stay_numbers(expression, variables, value, grads):
    root = evaluate(expression, variables)
    root.backward()
    assert root.data == pytest.approx(value)
    leaves = {v.label: v for v in _leaves(root)}
    for name, grad in grads.items():
        assert leaves[name].grad == pytest.approx(grad)


def _leaves(root):
    from micrograd_bp import topological_order

    return [v for v in topological_order(root) if not v.children and v.label]


@pytest.mark.parametrize("arguments, message", [
    (["--expr", "(-8) ** 0.5 * a", "--var", "a=1"], "-8.0 ** 0.5 is not a real number"),
    (["--expr", "2 * 3"], "uses no variable"),
])
def test_constant_parts_get_the_engines_errors(arguments, message, capsys):
    assert main(["graph", *arguments]) == 2
    assert message in capsys.readouterr().err


@needs_dot
def test_squared_error_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "se.svg"
    assert main(["graph", "--expr", "(y-t)**2", "--var", "y=1", "--var", "t=3", "--out", str(out)]) == 0
    texts = {t.split(" data ")[0]: t for t in svg_texts(out).values() if " data " in t}
    assert texts["y"] == "y data 1.0000 grad -4.0000"
