"""``micrograd-bp graph``: render a computation graph, after backward, to a file.

    micrograd-bp graph --example neuron --out neuron.svg
    micrograd-bp graph --example mlp --view neuron --format png
    micrograd-bp graph --example mlp --view neuron --size slide --out fig.pdf
    micrograd-bp graph --expr "tanh(a*b + c)" --var a=2 --var b=-3 --var c=10

An ``--expr`` is read with Python's ``ast`` module and evaluated node by node:
only numbers, variable names, + - * / **, unary minus and the functions of the
registry of operations (exp log sin cos tanh sigmoid relu neg, and any added with
``micrograd_bp.operation``) are allowed.  Nothing is ever passed to eval().
Numbers stay plain numbers, as in Python: ``(y - t)**2`` squares by a constant.
"""

import argparse
import ast
import math
import os
import sys

from micrograd_bp.checks import output_file, whole_number_arg, write_file
from micrograd_bp.draw import (
    MAX_NODES,
    RANKDIRS,
    SLIDE_LABEL_PX,
    VIEWS,
    DotNotFoundError,
    draw_graph,
    label_px,
    png_dpi,
)
from micrograd_bp.engine import Value
from micrograd_bp.graph import topological_order
from micrograd_bp.losses import cross_entropy
from micrograd_bp.nn import MLP
from micrograd_bp.player import save_html
from micrograd_bp.rules import OPERATIONS
from micrograd_bp.steps import explain_backward
from micrograd_bp.widgets import save_gif

HELP = "render a computation graph (an example or an --expr) to SVG, PNG or PDF"

FORMATS = ("svg", "png", "pdf")

MAX_EXPRESSION_LENGTH = 500


def add_arguments(parser):
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--example", choices=("neuron", "mlp"), default="neuron",
                      help="neuron: the tanh neuron of micrograd's lecture; "
                           "mlp: MLP(2, [3, 2]) with a cross-entropy loss on one sample")
    what.add_argument("--expr", help='an expression over named variables, e.g. "a*b + c"')
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="the value of a variable of --expr (repeat for each)")
    parser.add_argument("--view", choices=VIEWS, default="scalar",
                        help="one box per Value (scalar) or one per neuron of an MLP")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="svg, png or pdf (default: from the --out file's ending, else svg)")
    parser.add_argument("--out", help="the file to write, ending in .svg, .png or .pdf "
                                      "(default: graph.FORMAT; with --steps, none unless given)")
    parser.add_argument("--size", choices=("page", "notebook", "slide"), default=None,
                        help="fit the picture to a book's page (7 in wide), a notebook (9 in) or "
                             "a 16:9 slide (13.33 x 7.5 in, larger fonts, a PNG 1920 px wide); "
                             "default: as large as the drawing is")
    parser.add_argument("--focus", metavar="NEURON",
                        help="--view neuron: the neuron drawn in full in a large network, "
                             "e.g. z2[3]")
    parser.add_argument("--rankdir", choices=RANKDIRS, default="LR")
    parser.add_argument("--no-grad", action="store_true", help="do not show the grads")
    parser.add_argument("--color-by-grad", action="store_true",
                        help="fill each node by its grad (blue > 0, red < 0)")
    parser.add_argument("--max-nodes", type=whole_number_arg(1), default=MAX_NODES,
                        help=f"refuse a scalar graph larger than this many Values (default {MAX_NODES})")
    parser.add_argument("--explain", action="store_true",
                        help="also print the backward pass step by step")
    parser.add_argument("--steps", metavar="FILE.html|FILE.gif", type=_steps_path,
                        help="write the backward pass for slides, one frame per chain-rule "
                             "step: a self-contained HTML page (.html) or an animated GIF (.gif); "
                             "the single picture is then written only if --out is given too")


def _steps_path(path):
    """argparse type of --steps: a path ending in .html or .gif."""
    if not path.lower().endswith((".html", ".gif")):
        raise argparse.ArgumentTypeError(f"must end in .html or .gif, got {path!r}")
    return path


# --- the examples -----------------------------------------------------------------

def neuron_example():
    """o = tanh(x1*w1 + x2*w2 + b), the neuron of micrograd's lecture, named as there."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def mlp_example():
    """L = cross_entropy(z^(2), class 1) for MLP(2, [3, 2]) on one sample x = (1, -2)."""
    mlp = MLP(2, [3, 2], activation="tanh", seed=1)
    trace = mlp.trace([1.0, -2.0])
    L = cross_entropy(trace.z[2], 1)
    L.label = "L"
    return L


# --- --expr, read safely ------------------------------------------------------------

def functions():
    """The operations an --expr writes as f(x, ...): the registry's names that are words."""
    return {name: op.arity for name, op in OPERATIONS.items() if name.isidentifier()}


def parse_variables(assignments, warn=None):
    """{"a": 2.0, ...} from ["a=2", ...]; ``warn(text)`` hears of a name given twice."""
    variables = {}
    for text in assignments:
        name, sep, number = text.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"--var needs NAME=VALUE, e.g. --var a=2, got {text!r}")
        if name in functions():
            raise ValueError(f"--var {name}: {name!r} is a function name, choose another")
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"--var {name}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"--var {name}: {number.strip()!r} was given; a variable needs a "
                             f"finite number")
        if name in variables and warn is not None:
            warn(f"--var {name} is given twice; using the last one, {name}={number.strip()}")
        variables[name] = value
    return variables


def unused_variables(expression, variables):
    """The names given a value that ``expression`` never uses, in the order given."""
    try:
        used = {node.id for node in ast.walk(ast.parse(expression, mode="eval"))
                if isinstance(node, ast.Name)}
    except SyntaxError:
        return []  # evaluate() says what is wrong with it
    return [name for name in variables if name not in used]


def evaluate(expression, variables):
    """The Value of ``expression`` with each name a labelled leaf Value (no eval())."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"--expr is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"--expr {expression!r} is not a valid expression: {error.msg}") from None
    leaves = {name: Value(value, label=name) for name, value in variables.items()}
    root = _evaluate(tree.body, leaves, expression)
    if not isinstance(root, Value):
        raise ValueError(f"--expr {expression!r} uses no variable, so it has no graph: "
                         f"use a name and give it with --var")
    return root


_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
}


def _evaluate(node, leaves, expression):
    """A Value, or a plain float where the expression is constant."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)  # a number, as in Python: (y - t)**2 squares by 2
    if isinstance(node, ast.Name):
        if node.id not in leaves:
            raise ValueError(f"--expr uses {node.id!r} but gives it no value: add --var {node.id}=...")
        return leaves[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        a = _evaluate(node.left, leaves, expression)
        b = _evaluate(node.right, leaves, expression)
        return _computed(_BINARY[type(node.op)], a, b)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _evaluate(node.operand, leaves, expression)
        return -operand if isinstance(node.op, ast.USub) else operand
    known = functions()
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in known
            and len(node.args) == (known[node.func.id] or max(1, len(node.args))) and not node.keywords):
        args = [_evaluate(arg, leaves, expression) for arg in node.args]
        return _computed(lambda x, *rest: x.apply(node.func.id, *rest), *args)
    shown = ast.get_source_segment(expression, node) or type(node).__name__
    names = ", ".join(f"{name}({', '.join('x' * (arity or 1))})" for name, arity in known.items())
    raise ValueError(
        f"--expr may only use numbers, variable names, + - * / **, unary minus and "
        f"the functions {names}; {shown!r} is not allowed"
    )


def _computed(f, first, *rest):
    """f(first, *rest) on Values; with numbers only, a plain number (a constant part).

    The engine still computes a constant part, so that (-8) ** 0.5 or 1 / 0 get the
    engine's clear error, not a complex number or a Python traceback.
    """
    if isinstance(first, Value) or any(isinstance(x, Value) for x in rest):
        first = first if isinstance(first, Value) else Value(first)
        return f(first, *rest)
    return f(Value(first), *rest).data


# --- the command ----------------------------------------------------------------------

def build_root(args, warn=None):
    """The root Value the command draws (before backward); ``warn(text)`` hears of
    a --var given twice or never used."""
    if args.expr is not None:
        variables = parse_variables(args.var, warn)
        root = evaluate(args.expr, variables)
        for name in unused_variables(args.expr, variables) if warn else ():
            warn(f"--var {name} is not used by --expr {args.expr!r}")
        if not root.label:
            root.label = "L"
    else:
        if args.var:
            raise ValueError("--var only goes with --expr")
        root = neuron_example() if args.example == "neuron" else mlp_example()
    return root


def _warn(text):
    print(f"micrograd-bp graph: warning: {text}", file=sys.stderr)


def _error(text):
    print(f"micrograd-bp graph: error: {text}", file=sys.stderr)


def picture_format(args):
    """The single picture's format: --format, or the ending of --out, else svg.

    Refuses an --out whose ending is not a format, or disagrees with --format (a PDF
    named x.png would open nowhere).
    """
    if not args.out:
        return args.format or "svg"
    ending = os.path.splitext(args.out)[1].lower().lstrip(".")
    if ending not in FORMATS:
        raise ValueError(f"--out {args.out!r} must end in .svg, .png or .pdf")
    if args.format and args.format != ending:
        raise ValueError(f"--format {args.format} would write {args.format.upper()} into "
                         f"{args.out!r}; end the file name in .{args.format}, or use --format {ending}")
    return ending


def check_outputs(args):
    """(the picture's path or None, its format), every output file checked writable.

    With --steps and no --out only the slides are written: the default graph.svg
    is not overwritten behind the user's back.
    """
    for path, flag in ((args.out, "--out"), (args.steps, "--steps")):
        if path is not None:
            output_file(path, flag)
    fmt = picture_format(args)
    if args.out or args.steps:
        return args.out, fmt
    return output_file(f"graph.{fmt}", "--out"), fmt


def check_size(root, args):
    """A ValueError, in the command line's flags, for a scalar drawing over --max-nodes Values."""
    size = len(topological_order(root))
    if args.view == "scalar" and size > args.max_nodes:
        raise ValueError(f"this graph has {size} Values, more than --max-nodes {args.max_nodes}; "
                         f"a drawing that large is unreadable and slow to lay out. For an MLP "
                         f"use --view neuron (one node per neuron), or give a larger --max-nodes")


def run(args):
    try:
        out, fmt = check_outputs(args)
        root = build_root(args, warn=_warn)
        check_size(root, args)
        if args.explain:  # the backward pass, one printed step at a time
            print(explain_backward(root))
        else:
            root.backward()
        graph = draw_graph(root, rankdir=args.rankdir, show_grad=not args.no_grad,
                           color_by_grad=args.color_by_grad, view=args.view,
                           max_nodes=args.max_nodes, show_ids=args.explain,
                           size=args.size, focus=args.focus)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError, ImportError,
            OSError) as error:
        _error(error)
        return 2
    if out is None:
        return write_steps(args)
    try:
        if args.size == "slide":
            warn_small_labels(graph)
        if fmt == "png":
            png_dpi(graph, args.size)
        data = graph.pipe(format=fmt)  # made in full before the file is opened
    except DotNotFoundError as error:
        source = out + ".gv"
        try:
            write_file(source, graph.source, "--out")
        except OSError as write_error:
            _error(f"{error}\n{write_error}")
            return 1
        _error(f"{error}\nwrote the DOT source to {source}")
        return 1
    try:
        write_file(out, data, "--out")
    except OSError as error:
        _error(error)
        return 1
    print(f"wrote {out}")
    return write_steps(args) if args.steps else 0


def warn_small_labels(graph):
    """A warning when a drawing is too large for one slide: Graphviz shrank it until
    its labels are below SLIDE_LABEL_PX pixels on a 1920 x 1080 slide."""
    px = label_px(graph.pipe(format="svg"), "slide")
    if px < SLIDE_LABEL_PX:
        _warn(f"this drawing is too large for one slide: shrunk to fit, its labels are "
              f"{px:.0f} px on a 1920 x 1080 slide (they read from about "
              f"{SLIDE_LABEL_PX} px); draw less, e.g. --view neuron (and --focus NEURON)")


def write_steps(args):
    """--steps: the backward pass of a fresh copy of the graph, one frame per step."""
    options = dict(rankdir=args.rankdir, color_by_grad=args.color_by_grad, view=args.view,
                   max_nodes=args.max_nodes, size=args.size)
    try:
        root = build_root(args)  # a new graph: stepping runs backward() once more
        save = save_html if args.steps.lower().endswith(".html") else save_gif
        save(root, args.steps, **options)
    except (ValueError, ImportError, DotNotFoundError, OSError) as error:
        _error(error)
        return 1
    print(f"wrote {args.steps}")
    return 0
