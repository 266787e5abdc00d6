"""``micrograd-bp deltas``: the document's backprop equations, checked against backward().

By default the document's setting: one relu hidden layer, softmax + cross-entropy
at the output.  Prints the report of :func:`micrograd_bp.backprop.check_backprop`
and exits with 1 if any equation disagrees with the engine beyond ``--tol``.
"""

import argparse
import random
import sys

from micrograd_bp.backprop import check_backprop
from micrograd_bp.checks import ACTIVATIONS, LOSSES, number_arg, whole_number_arg
from micrograd_bp.nn import MLP

HELP = "check the document's backprop equations (Steps 1-4) against the engine's backward()"


def _sizes(text):
    """'3,4,2' -> [3, 4, 2]: the inputs, then each layer's size."""
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--sizes needs whole numbers separated by commas, like 3,4,2; got {text!r}") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"--sizes needs at least two sizes >= 1 (inputs, ..., outputs), got {text!r}")
    return sizes


def add_arguments(parser):
    parser.add_argument("--activation", choices=ACTIVATIONS, default="relu",
                        help="the hidden layers' activation sigma (default: relu)")
    parser.add_argument("--sizes", type=_sizes, default=[3, 4, 2], metavar="N0,N1,...,NL",
                        help="inputs, then each layer's size (default: 3,4,2)")
    parser.add_argument("--batch-size", type=whole_number_arg(1), default=1, metavar="B",
                        help="samples in the minibatch (default: 1)")
    parser.add_argument("--output-activation", choices=ACTIVATIONS, default="linear",
                        help="the last layer's activation; cross_entropy needs linear (logits) "
                             "(default: linear)")
    parser.add_argument("--loss", choices=LOSSES, default="cross_entropy",
                        help="softmax + cross_entropy (delta = h - t) or mse (default: cross_entropy)")
    parser.add_argument("--seed", type=int, default=0, help="seed for weights and data (default: 0)")
    parser.add_argument("--tol", type=number_arg(0), default=1e-9,
                        help="largest allowed |equation - engine| (default: 1e-9)")
    parser.set_defaults(deltas_parser=parser)


def example(sizes, batch_size, loss, seed):
    """Inputs X and targets T for the check: random, reproducible from the seed."""
    rng = random.Random(seed)
    n_in, n_out = sizes[0], sizes[-1]
    X = [[rng.uniform(-2, 2) for _ in range(n_in)] for _ in range(batch_size)]
    if loss == "cross_entropy":
        T = [rng.randrange(n_out) for _ in range(batch_size)]
    else:
        T = [[rng.uniform(-1, 1) for _ in range(n_out)] for _ in range(batch_size)]
    return X, T


def run(args):
    if args.loss == "cross_entropy" and args.output_activation != "linear":
        args.deltas_parser.error(
            f"--loss cross_entropy needs --output-activation linear (softmax reads the "
            f"logits z^(L)), got --output-activation {args.output_activation}")
    try:
        mlp = MLP(args.sizes[0], args.sizes[1:], activation=args.activation,
                  output_activation=args.output_activation, seed=args.seed)
        X, T = example(args.sizes, args.batch_size, args.loss, args.seed + 1)
        report = check_backprop(mlp, X, T, loss=args.loss, tol=args.tol)
    except (ImportError, ValueError) as error:  # numpy missing, or a setting that cannot work
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(report)
    return 0 if report.ok else 1
