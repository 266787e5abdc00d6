"""How :func:`~micrograd_bp.train.fit` shows its progress: a live bar, or one text line.

``progress=`` takes

``True`` / ``"bar"``  a tqdm bar (``tqdm.auto``: text in a terminal, a widget in
                     Jupyter) over every minibatch step of every epoch, showing
                     the epoch, the batch and the current loss
``"text"``            no bar: one plain line printed when training ends.  A saved
                     notebook shows that line in any static view, where a widget
                     bar would be stuck at 0% (widgets are not saved with outputs)
``False``             nothing

Setting the environment variable ``MICROGRAD_BP_PROGRESS=text`` makes ``True``
mean ``"text"``: executing notebooks for committing with it set gives every
``fit`` a finished text line, while a learner running the same notebook live
gets the bar.
"""

import os
import time

from ._optional import require

ENV = "MICROGRAD_BP_PROGRESS"


def _mode(progress):
    """'bar', 'text' or None for a progress= setting (True follows $MICROGRAD_BP_PROGRESS)."""
    if progress is True:
        return "text" if os.environ.get(ENV) == "text" else "bar"
    if progress in ("bar", "text"):
        return progress
    if progress is False or progress is None:
        return None
    raise ValueError(f"fit: progress must be True, False, 'bar' or 'text', got {progress!r}")


def _summary(history):
    """The latest epoch's numbers, e.g. {'loss': '0.1234', 'accuracy': '97%'}."""
    numbers = {"loss": f"{history.loss[-1]:.4f}"}
    if history.accuracy[-1] is not None:
        numbers["accuracy"] = f"{history.accuracy[-1]:.1%}"
    if history.val_accuracy and history.val_accuracy[-1] is not None:
        numbers["val_accuracy"] = f"{history.val_accuracy[-1]:.1%}"
    return numbers


class Quiet:
    """Shows nothing."""

    def start_epoch(self, epoch):
        pass

    def step(self, batch_loss):
        pass

    def end_epoch(self, history):
        pass

    def close(self, history):
        pass

    def abort(self):
        """Training stopped early (an error, Ctrl-C): nothing more may be drawn."""


class Bar(Quiet):
    """A tqdm bar with one tick per minibatch step: 'epoch 3/20 | 45/900 batches, loss=...'."""

    def __init__(self, epochs, steps_per_epoch):
        tqdm = require("tqdm.auto", "progress", "fit's progress bar (or pass progress=False)").tqdm
        self.epochs = epochs
        self.bar = tqdm(total=epochs * steps_per_epoch, desc="training", unit="batch")

    def start_epoch(self, epoch):
        self.bar.set_description(f"epoch {epoch + 1}/{self.epochs}", refresh=False)

    def step(self, batch_loss):
        self.bar.set_postfix(loss=f"{batch_loss:.4f}", refresh=False)  # this batch's loss
        self.bar.update(1)

    def end_epoch(self, history):
        self.bar.set_postfix(_summary(history))  # the epoch's mean loss and accuracies

    def close(self, history):
        self.bar.close()

    def abort(self):
        self.bar.close()  # now, before the caller says "interrupted", not redrawn after it


class TextLine(Quiet):
    """One line when training ends: epochs, steps, time, and the last epoch's numbers."""

    def __init__(self, epochs, steps_per_epoch):
        self.epochs, self.steps = epochs, steps_per_epoch
        self.started = time.perf_counter()

    def close(self, history):
        seconds = time.perf_counter() - self.started
        numbers = ", ".join(f"{k} {v}" for k, v in _summary(history).items())
        print(f"training: {len(history)}/{self.epochs} epochs, {len(history) * self.steps} "
              f"batches, {seconds:.1f} s; last epoch: {numbers}", flush=True)


def meter(progress, epochs, steps_per_epoch):
    """The progress display fit asked for (see the module docstring)."""
    mode = _mode(progress)
    if mode == "bar":
        return Bar(epochs, steps_per_epoch)
    if mode == "text":
        return TextLine(epochs, steps_per_epoch)
    return Quiet()
