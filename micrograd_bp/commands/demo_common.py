"""What both demos share (``demo`` on a 2-D dataset, ``demo --dataset digits``):
the output folder, the progress bar, report.txt and the last lines they print."""

import os
import sys
import tempfile

from micrograd_bp._optional import require
from micrograd_bp.checks import write_file

CLASSES_ONLY_FOR = ("spiral", "blobs")  # the datasets whose number of classes --classes sets


def refuse_classes(args):
    """Stop with a usage error if --classes is given for a dataset without classes to choose."""
    if args.classes is not None and args.dataset not in CLASSES_ONLY_FOR:
        args.demo_parser.error(f"--classes only applies to --dataset {' or '.join(CLASSES_ONLY_FOR)}")


def speaker(args):
    """The function that prints the demo's running commentary: print, or nothing with --quiet."""
    return (lambda *a: None) if args.quiet else print


def fail(message, code):
    """Print ``error: message`` on stderr; returns the exit code ``code``."""
    print(f"error: {message}", file=sys.stderr)
    return code


def check_writable(folder):
    """Create ``folder`` and check a file can be written there; raises OSError."""
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass


def cannot_write(out, oserror):
    """Say on stderr why the output folder cannot be written to; returns the exit code 1."""
    return fail(f"cannot write to the output folder {out!r}: {oserror.strerror or oserror}", 1)


def show_progress(args, say):
    """True if a progress bar can be shown (tqdm is installed) and is wanted."""
    try:
        require("tqdm.auto", "progress", "a progress bar")  # only to know whether one can be shown
    except ImportError:
        say("(no progress bar: pip install -e '.[progress]' to see one)")
        return False
    return not args.quiet


def report(summary, history, final_accuracy, seconds, written, notes, *,
           title="micrograd_bp demo", test_accuracy=None):
    """report.txt's text; with ``test_accuracy``, a line ``test accuracy: 95.8%``."""
    lines = [
        title,
        summary,
        f"loss of the last epoch: {history.loss[-1]:.4f} (first epoch: {history.loss[0]:.4f})",
        f"training accuracy after training: {final_accuracy:.1%}",
    ]
    if test_accuracy is not None:
        lines.append(f"test accuracy: {test_accuracy:.1%}")
    lines += [
        f"training time: {seconds:.1f} s",
        "files: " + ", ".join(os.path.basename(p) for p in written),
    ]
    return "\n".join(lines + notes) + "\n"


def finish(written, notes, text, say, line):
    """Write ``text`` to report.txt (the last of ``written``), then say what was done."""
    try:
        write_file(written[-1], text, "demo")
    except OSError as oserror:
        return fail(oserror, 1)
    for note in notes:
        say(note)
    print(line)
    say("wrote " + ", ".join(written))
    return 0
