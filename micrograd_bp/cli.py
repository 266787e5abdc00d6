"""The command line: ``python -m micrograd_bp COMMAND`` (or ``micrograd-bp COMMAND``).

Each command lives in its own module under ``micrograd_bp/commands/`` and provides
``HELP`` (one line), ``add_arguments(parser)`` and ``run(args) -> exit code``.
Command modules import optional packages only when they run (through
``micrograd_bp._optional.require``), so ``--help`` always works.
"""

import argparse
import importlib
import os
import sys

COMMANDS = ("demo", "deltas", "graph", "check")


def build_parser():
    parser = argparse.ArgumentParser(
        prog="micrograd-bp",
        description="micrograd_bp: a scalar autograd engine for teaching backpropagation.",
        epilog="With no COMMAND, runs demo: `python -m micrograd_bp` trains micrograd's demo "
               "network, and demo's flags work without the word "
               "(`python -m micrograd_bp --epochs 20`).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                help="demo (the default), deltas, graph or check")
    for name in COMMANDS:
        module = importlib.import_module(f"micrograd_bp.commands.{name}")
        command = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(run=module.run)
    return parser


def main(argv=None):
    """Parse ``argv`` and run the command; with no command, run ``demo``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["demo", *argv]  # the demo is the main job: its flags work without the word
    args = build_parser().parse_args(argv)
    try:
        return args.run(args) or 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output was piped into a reader that stopped (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # silence the exit flush
        return 0
