"""Self-checking exercises for the notebooks: right or wrong, with a hint, never the answer.

A notebook defines an exercise once, with a reference answer computed
independently (by hand, by finite differences, ...), and the learner checks
their own answer against it::

    >>> ex = Exercise("dL/da for L = a * b at a = 2, b = -3", expected=-3.0,
    ...               hint="d(a*b)/da is the *other* factor.")
    >>> ex.check(...)          # the placeholder a notebook ships with
    … Exercise not answered yet: replace ... with your answer.
    >>> ex.check(3.0)
    ✗ Not yet. Hint: d(a*b)/da is the *other* factor.
    >>> ex.check(-3.0)
    ✓ Right.

``check`` returns a :class:`Verdict`: truthy only when the answer is right,
shown as text in a terminal (``print(verdict)``) and as a coloured line in
Jupyter.  It never shows the expected answer, nor says how far a wrong one is
from it ("wrong sign" would give it away): a wrong answer gets the hint.  The answers it understands:

- a number: right when within a relative tolerance (``rel_tol``, 0.5 % by
  default, so a hand answer rounded to three significant digits passes);
- a list or tuple of numbers: each entry checked, the wrong positions named;
- a word from ``choices`` (a multiple-choice question): compared without case;
- ``True`` / ``False``;
- a function: called on ``inputs`` and compared with the expected function there
  (a function that still returns ``...`` is not answered yet).

:class:`CodeExercise` checks code the learner writes (a backward pass in numpy,
a fixed training loop): it runs their function and a reference on the same
cases and names the results that differ, never their values.

Answer blocks in the notebooks are collapsible HTML, which reads the same on a
code-hosting site's notebook preview, in Jupyter and in the web book::

    <details><summary>Answer</summary>

    ... the worked answer, in Markdown ...

    </details>
"""

import html
import math
import numbers

RIGHT, WRONG, UNANSWERED = "right", "wrong", "unanswered"
_MARK = {RIGHT: "✓", WRONG: "✗", UNANSWERED: "…"}
_COLOUR = {RIGHT: "#1a7f37", WRONG: "#cf222e", UNANSWERED: "#9a6700"}


class Verdict:
    """The outcome of :meth:`Exercise.check`: truthy only when the answer is right.

    ``status`` is ``"right"``, ``"wrong"`` or ``"unanswered"``; ``message`` is the
    line shown to the learner (it never contains the expected answer).
    """

    def __init__(self, status, message):
        self.status, self.message = status, message

    def __bool__(self):
        return self.status == RIGHT

    def __str__(self):
        return f"{_MARK[self.status]} {self.message}"

    __repr__ = __str__

    def _repr_html_(self):
        return (f'<p style="color:{_COLOUR[self.status]};font-weight:bold">'
                f"{html.escape(str(self))}</p>")


class Exercise:
    """One question with a reference answer that the learner's answer is checked against.

    Parameters
    ----------
    question : str         what is asked (shown by ``repr``; not used for checking)
    expected               the reference answer: a number, a list of numbers, a
                           word, a bool, or a function (then give ``inputs``)
    hint : str             shown with a wrong answer
    rel_tol, abs_tol       how close a number must be: |answer - expected| <=
                           max(rel_tol * |expected|, abs_tol)
    choices : tuple        for a multiple-choice question, the allowed words
    inputs : list          for a function answer, the points it is checked at
                           (each a number or a tuple of arguments)
    """

    def __init__(self, question, expected, hint="", *, rel_tol=5e-3, abs_tol=1e-9,
                 choices=None, inputs=None):
        if callable(expected) and not inputs:
            raise ValueError(f"Exercise {question!r}: a function answer needs inputs= to test it on")
        if choices is not None and _word(expected) not in [_word(c) for c in choices]:
            raise ValueError(f"Exercise {question!r}: the expected answer is not one of the choices")
        self.question, self.expected, self.hint = question, expected, hint
        self.rel_tol, self.abs_tol = rel_tol, abs_tol
        self.choices, self.inputs = choices, inputs

    def __repr__(self):
        return f"Exercise({self.question!r})"

    def check(self, answer):
        """A :class:`Verdict` on ``answer`` (``...`` or None means not answered yet)."""
        if answer is ... or answer is None or self._returns_placeholder(answer):
            return Verdict(UNANSWERED, "Exercise not answered yet: replace ... with your answer.")
        problem = self._problem(answer)
        if problem is None:
            return Verdict(RIGHT, "Right.")
        hint = f"Hint: {self.hint}" if self.hint else ""
        return Verdict(WRONG, " ".join(part for part in ("Not yet.", problem, hint) if part))

    __call__ = check

    def _returns_placeholder(self, answer):
        """True for a function answer still returning the placeholder ``...``."""
        if not (callable(self.expected) and callable(answer)):
            return False
        point = self.inputs[0]
        try:
            return answer(*(point if isinstance(point, tuple) else (point,))) is ...
        except Exception:  # reported as a wrong answer by _function_problem
            return False

    # --- what is wrong with an answer (None when it is right) ----------------------

    def _problem(self, answer):
        expected = self.expected
        if callable(expected):
            return self._function_problem(answer)
        if self.choices is not None:
            return self._choice_problem(answer)
        if isinstance(expected, bool):
            if not isinstance(answer, bool):
                return f"Answer True or False (got {_describe(answer)})."
            return None if answer == expected else ""
        if isinstance(expected, (list, tuple)):
            return self._list_problem(answer)
        return self._number_problem(answer, expected)

    def _close(self, answer, expected):
        return abs(answer - expected) <= max(self.rel_tol * abs(expected), self.abs_tol)

    def _number_problem(self, answer, expected):
        if hasattr(answer, "data") and hasattr(answer, "grad"):
            return "That is a Value; give a number (its .data or its .grad)."
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return f"Give a number (got {_describe(answer)})."
        answer = float(answer)
        if not math.isfinite(answer):
            return f"Give a finite number (got {answer})."
        # a wrong number gets the hint only: "wrong sign" or "off by 2" would give it away
        return None if self._close(answer, expected) else ""

    def _list_problem(self, answer):
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__"):
            return f"Give a list of {len(self.expected)} numbers (got {_describe(answer)})."
        if len(answer) != len(self.expected):
            return f"Give {len(self.expected)} numbers (got {len(answer)})."
        wrong = [i for i, (a, e) in enumerate(zip(answer, self.expected))
                 if self._number_problem(a, e) is not None]
        if not wrong:
            return None
        return f"Entries at positions {wrong} are not right (counting from 0)."

    def _choice_problem(self, answer):
        if not isinstance(answer, str):
            return f"Answer with one of {', '.join(map(repr, self.choices))} (got {_describe(answer)})."
        words = [_word(c) for c in self.choices]
        if _word(answer) not in words:
            return f"{answer!r} is not one of the choices {', '.join(map(repr, self.choices))}."
        return None if _word(answer) == _word(self.expected) else ""

    def _function_problem(self, answer):
        if not callable(answer):
            return f"Give a function (got {_describe(answer)})."
        for point in self.inputs:
            args = point if isinstance(point, tuple) else (point,)
            shown = ", ".join(f"{a:g}" for a in args)
            try:
                got = answer(*args)
            except Exception as error:  # the learner's code: report it, never a traceback
                return f"Your function raised {type(error).__name__}: {error} at ({shown})."
            if self._number_problem(got, self.expected(*args)) is not None:
                return f"Your function gives a wrong value at ({shown})."
        return None


def _word(text):
    return str(text).strip().lower()


def _describe(value):
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{type(value).__name__} {text}"


class CodeExercise:
    """A function the learner writes, checked on several cases against a reference.

    ``reference(*case)`` and the learner's function both return a dict of named
    results (numbers, lists or numpy arrays).  The verdict names the results that
    are wrong, or of the wrong shape, and the case where they first are, never
    their right values::

        >>> ex = CodeExercise("gradient of x*y", lambda x, y: {"dx": y, "dy": x},
        ...                   cases=[(2.0, 3.0)], hint="each factor gets the other one.")
        >>> ex.check(lambda x, y: {"dx": y, "dy": y})
        ✗ Not yet. Case 0: dy is wrong (dx is right). Hint: each factor gets the other one.
        >>> ex.check(lambda x, y: {"dx": y, "dy": x})
        ✓ Right: every result matches on all 1 cases.
    """

    def __init__(self, question, reference, cases, hint="", *, rel_tol=1e-6, abs_tol=1e-9):
        if not cases:
            raise ValueError(f"CodeExercise {question!r}: give at least one case to check on")
        self.question, self.reference, self.cases, self.hint = question, reference, cases, hint
        self.rel_tol, self.abs_tol = rel_tol, abs_tol

    def __repr__(self):
        return f"CodeExercise({self.question!r})"

    def check(self, function):
        """A :class:`Verdict` on the learner's ``function`` (``...`` means not written yet)."""
        if function is ... or function is None:
            return Verdict(UNANSWERED, "Exercise not answered yet: write the function.")
        if not callable(function):
            return self._wrong(f"Give a function (got {_describe(function)}).")
        for k, case in enumerate(self.cases):
            try:
                got = function(*case)
            except Exception as error:  # the learner's code: report it, never a traceback
                return self._wrong(f"Case {k}: your function raised {type(error).__name__}: {error}.")
            if got is ...:
                return Verdict(UNANSWERED, "Exercise not answered yet: your function returns ....")
            problem = self._results_problem(got, self.reference(*case))
            if problem:
                return self._wrong(f"Case {k}: {problem}")
        return Verdict(RIGHT, f"Right: every result matches on all {len(self.cases)} cases.")

    __call__ = check

    def _wrong(self, problem):
        hint = f"Hint: {self.hint}" if self.hint else ""
        return Verdict(WRONG, " ".join(part for part in ("Not yet.", problem, hint) if part))

    def _results_problem(self, got, want):
        if not isinstance(got, dict):
            return f"return a dict with the keys {', '.join(map(repr, want))} (got {_describe(got)})."
        missing = [name for name in want if name not in got]
        if missing:
            return f"your dict has no {', '.join(map(repr, missing))}."
        wrong, right = [], []
        for name in want:
            got_shape, want_shape = _shape(got[name]), _shape(want[name])
            if got_shape is None:
                return f"{name} is not numbers (got {_describe(got[name])})."
            if got_shape != want_shape:
                return f"{name} has shape {got_shape}; it needs {want_shape}."
            close = all(abs(g - w) <= max(self.rel_tol * abs(w), self.abs_tol)
                        for g, w in zip(_flat(got[name]), _flat(want[name])))
            (right if close else wrong).append(name)
        if not wrong:
            return None
        rest = f" ({', '.join(right)} {'is' if len(right) == 1 else 'are'} right)" if right else ""
        return f"{', '.join(wrong)} {'is' if len(wrong) == 1 else 'are'} wrong{rest}."


def _nested(value):
    """A number or nested lists of numbers (numpy arrays become lists)."""
    return value.tolist() if hasattr(value, "tolist") else value


def _shape(value):
    """The shape of a number (()) or of nested lists of numbers; None if it is neither."""
    value = _nested(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return ()
    if isinstance(value, (list, tuple)) and value:
        shapes = {_shape(v) for v in value}
        if len(shapes) == 1 and None not in shapes:
            return (len(value), *shapes.pop())
    return None


def _flat(value):
    value = _nested(value)
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    return [float(value)]
