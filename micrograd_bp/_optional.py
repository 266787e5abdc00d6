"""Importing optional dependencies lazily, with an error that says what to install."""

import importlib


def require(module, extra, purpose):
    """Import ``module``, or raise ImportError naming the extra that installs it.

    >>> require("math", "core", "sums").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{purpose} needs the optional package '{module.split('.')[0]}', which is not "
            f"installed. Install it with:  pip install -e '.[{extra}]' (from a clone of micrograd_bp)"
        ) from None
