"""The old name of :mod:`micrograd_bp.steps` (the forward and backward passes as
text steps), kept so that ``from micrograd_bp.stepper import backward_steps`` works."""

from .steps import *  # noqa: F401,F403
from .steps import __all__  # noqa: F401
