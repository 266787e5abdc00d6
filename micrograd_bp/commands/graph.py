"""``micrograd-bp graph``: render a computation graph, after backward, to a file.

    micrograd-bp graph --example neuron --out neuron.svg
    micrograd-bp graph --example mlp --view neuron --format png
    micrograd-bp graph --expr "tanh(a*b + c)" --var a=2 --var b=-3 --var c=10

An ``--expr`` is read with Python's ``ast`` module and evaluated node by node:
only numbers, variable names, + - * / **, unary minus and the functions
exp log tanh relu sigmoid sin cos are allowed.  Nothing is ever passed to eval().
"""

import argparse
import ast
import sys

from micrograd_bp.checks import whole_number_arg

HELP = "render a computation graph (an example or an --expr) to SVG, PNG or PDF"

FUNCTIONS = ("exp", "log", "tanh", "relu", "sigmoid", "sin", "cos")
MAX_EXPRESSION_LENGTH = 500


def add_arguments(parser):
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--example", choices=("neuron", "mlp"), default="neuron",
                      help="neuron: the tanh neuron of micrograd's lecture; "
                           "mlp: MLP(2, [3, 2]) with a cross-entropy loss on one sample")
    what.add_argument("--expr", help='an expression over named variables, e.g. "a*b + c"')
    parser.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                        help="the value of a variable of --expr (repeat for each)")
    parser.add_argument("--view", choices=("scalar", "neuron"), default="scalar",
                        help="one box per Value (scalar) or one per neuron of an MLP")
    parser.add_argument("--format", choices=("svg", "png", "pdf"), default="svg")
    parser.add_argument("--out", help="the file to write (default: graph.FORMAT)")
    parser.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR")
    parser.add_argument("--no-grad", action="store_true", help="do not show the grads")
    parser.add_argument("--color-by-grad", action="store_true",
                        help="fill each node by its grad (blue > 0, red < 0)")
    parser.add_argument("--max-nodes", type=whole_number_arg(1), default=None,
                        help="refuse a scalar graph larger than this many Values")
    parser.add_argument("--explain", action="store_true",
                        help="also print the backward pass step by step")
    parser.add_argument("--steps", metavar="FILE.html|FILE.gif", type=_steps_path,
                        help="also write the backward pass for slides, one frame per chain-rule "
                             "step: a self-contained HTML page (.html) or an animated GIF (.gif)")


def _steps_path(path):
    """argparse type of --steps: a path ending in .html or .gif."""
    if not path.lower().endswith((".html", ".gif")):
        raise argparse.ArgumentTypeError(f"must end in .html or .gif, got {path!r}")
    return path


# --- the examples -----------------------------------------------------------------

def neuron_example():
    """o = tanh(x1*w1 + x2*w2 + b), the neuron of micrograd's lecture, named as there."""
    from micrograd_bp import Value

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
    from micrograd_bp import MLP
    from micrograd_bp.losses import cross_entropy

    mlp = MLP(2, [3, 2], activation="tanh", seed=1)
    trace = mlp.trace([1.0, -2.0])
    L = cross_entropy(trace.z[2], 1)
    L.label = "L"
    return L


# --- --expr, read safely ------------------------------------------------------------

def parse_variables(assignments):
    """{"a": 2.0, ...} from ["a=2", ...]."""
    variables = {}
    for text in assignments:
        name, sep, number = text.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"--var needs NAME=VALUE, e.g. --var a=2, got {text!r}")
        if name in FUNCTIONS:
            raise ValueError(f"--var {name}: {name!r} is a function name, choose another")
        try:
            variables[name] = float(number)
        except ValueError:
            raise ValueError(f"--var {name}: {number!r} is not a number") from None
    return variables


def evaluate(expression, variables):
    """The Value of ``expression`` with each name a labelled leaf Value (no eval())."""
    from micrograd_bp import Value

    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"--expr is longer than {MAX_EXPRESSION_LENGTH} characters")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"--expr {expression!r} is not a valid expression: {error.msg}") from None
    leaves = {name: Value(value, label=name) for name, value in variables.items()}
    return _evaluate(tree.body, leaves, expression)


_BINARY = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a ** b,
}


def _evaluate(node, leaves, expression):
    from micrograd_bp import Value

    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Value(node.value)
    if isinstance(node, ast.Name):
        if node.id not in leaves:
            raise ValueError(f"--expr uses {node.id!r} but gives it no value: add --var {node.id}=...")
        return leaves[node.id]
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        a = _evaluate(node.left, leaves, expression)
        b = _evaluate(node.right, leaves, expression)
        return _BINARY[type(node.op)](a, b)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _evaluate(node.operand, leaves, expression)
        return -operand if isinstance(node.op, ast.USub) else operand
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            and node.func.id in FUNCTIONS and len(node.args) == 1 and not node.keywords):
        return getattr(_evaluate(node.args[0], leaves, expression), node.func.id)()
    shown = ast.get_source_segment(expression, node) or type(node).__name__
    raise ValueError(
        f"--expr may only use numbers, variable names, + - * / **, unary minus and "
        f"the functions {', '.join(FUNCTIONS)} of one argument; {shown!r} is not allowed"
    )


# --- the command ----------------------------------------------------------------------

def build_root(args):
    """The root Value the command draws (before backward)."""
    if args.expr is not None:
        root = evaluate(args.expr, parse_variables(args.var))
        if not root.label:
            root.label = "L"
    else:
        if args.var:
            raise ValueError("--var only goes with --expr")
        root = neuron_example() if args.example == "neuron" else mlp_example()
    return root


def run(args):
    from micrograd_bp.draw import MAX_NODES, DotNotFoundError, draw_graph

    try:
        root = build_root(args)
        if args.explain:  # the backward pass, one printed step at a time
            from micrograd_bp.stepper import explain_backward

            print(explain_backward(root))
        else:
            root.backward()
        graph = draw_graph(root, rankdir=args.rankdir, show_grad=not args.no_grad,
                           color_by_grad=args.color_by_grad, view=args.view,
                           max_nodes=args.max_nodes or MAX_NODES, show_ids=args.explain)
    except (ValueError, TypeError, ZeroDivisionError, OverflowError, ImportError) as error:
        print(f"micrograd-bp graph: error: {error}", file=sys.stderr)
        return 2
    out = args.out or f"graph.{args.format}"
    try:
        data = graph.pipe(format=args.format)
    except DotNotFoundError as error:
        source = out + ".gv"
        with open(source, "w", encoding="utf-8") as f:
            f.write(graph.source)
        print(f"micrograd-bp graph: error: {error}\nwrote the DOT source to {source}",
              file=sys.stderr)
        return 1
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {out}")
    return write_steps(args) if args.steps else 0


def write_steps(args):
    """--steps: the backward pass of a fresh copy of the graph, one frame per step."""
    from micrograd_bp.draw import DotNotFoundError
    from micrograd_bp.widgets import save_gif, save_html

    options = dict(rankdir=args.rankdir, color_by_grad=args.color_by_grad, view=args.view)
    if args.max_nodes:
        options["max_nodes"] = args.max_nodes
    try:
        root = build_root(args)  # a new graph: stepping runs backward() once more
        save = save_html if args.steps.lower().endswith(".html") else save_gif
        save(root, args.steps, **options)
    except (ValueError, ImportError, DotNotFoundError) as error:
        print(f"micrograd-bp graph: error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {args.steps}")
    return 0
