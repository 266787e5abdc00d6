"""Small 2-D classification datasets, in pure Python, and handwritten digits.

Every function returns ``(X, y)``: ``X`` a list of points ``[x1, x2]`` and ``y`` a
list of class indices 0, 1, ..., K-1 (plain ints), in a shuffled order.  ``noise``
is the standard deviation of the Gaussian noise added to every point, and
``seed`` makes the data reproducible (``seed=None`` draws fresh data each call).

For a hinge loss, which wants labels -1 and +1, use ``[2 * yi - 1 for yi in y]``
(:func:`micrograd_bp.train.fit` does this itself for ``loss="hinge"``).

:func:`digits` is real data: scikit-learn's 8x8 handwritten digits (needs the
``digits`` extra), already split into a training and a test set.
"""

import math
import numbers
import random
from typing import NamedTuple

from . import checks
from ._optional import require

_check_count = checks.whole_number  # (n, "moons: n", least)


def _check_noise(noise, what):
    return checks.number(noise, f"{what}: noise", 0)


def _split(n, k):
    """How many of n points each of k classes gets (as equal as possible)."""
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def _linspace(start, stop, n, endpoint=True):
    """n evenly spaced numbers from start to stop (numpy's linspace)."""
    if n == 1:
        return [float(start)]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]


def _finish(points, labels, noise, rng):
    """Add the noise, shuffle, and return (X, y)."""
    data = [([x1 + rng.gauss(0, noise), x2 + rng.gauss(0, noise)], label)
            for (x1, x2), label in zip(points, labels)]
    rng.shuffle(data)
    return [x for x, _ in data], [label for _, label in data]


def moons(n=100, noise=0.1, seed=None):
    """Two interleaving half circles (scikit-learn's ``make_moons``).

    Class 0: (cos t, sin t);  class 1: (1 - cos t, 0.5 - sin t);  t in [0, pi].
    """
    n = _check_count(n, "moons: n", 2)
    noise = _check_noise(noise, "moons")
    rng = random.Random(seed)
    n0, n1 = _split(n, 2)
    upper = [(math.cos(t), math.sin(t)) for t in _linspace(0, math.pi, n0)]
    lower = [(1 - math.cos(t), 0.5 - math.sin(t)) for t in _linspace(0, math.pi, n1)]
    return _finish(upper + lower, [0] * n0 + [1] * n1, noise, rng)


def circles(n=100, noise=0.05, factor=0.5, seed=None):
    """A circle of radius 1 (class 0) around a circle of radius ``factor`` (class 1)."""
    n = _check_count(n, "circles: n", 2)
    noise = _check_noise(noise, "circles")
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"circles: factor must be between 0 and 1, got {factor!r}")
    rng = random.Random(seed)
    n0, n1 = _split(n, 2)
    outer = [(math.cos(t), math.sin(t)) for t in _linspace(0, 2 * math.pi, n0, endpoint=False)]
    inner = [(factor * math.cos(t), factor * math.sin(t))
             for t in _linspace(0, 2 * math.pi, n1, endpoint=False)]
    return _finish(outer + inner, [0] * n0 + [1] * n1, noise, rng)


def xor(n=100, noise=0.05, seed=None):
    """Points in the square [-1, 1]^2; class 1 where x1 and x2 have opposite signs.

    The class is taken from the point before the noise is added, so with noise a
    few points near the axes lie on the other side.
    """
    n = _check_count(n, "xor: n", 1)
    noise = _check_noise(noise, "xor")
    rng = random.Random(seed)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]
    labels = [int((x1 > 0) != (x2 > 0)) for x1, x2 in points]
    return _finish(points, labels, noise, rng)


def spiral(n=100, classes=3, noise=0.2, seed=None):
    """``classes`` interleaved spiral arms (the CS231n spiral).

    Arm j: radius r in [0, 1] and angle t = 4 j + 4 r + noise, at the point
    (r sin t, r cos t).  Here ``noise`` is the standard deviation of the angle, in
    radians (as in CS231n), not of the coordinates.
    """
    n = _check_count(n, "spiral: n", 1)
    classes = _check_count(classes, "spiral: classes", 2)
    noise = _check_noise(noise, "spiral")
    rng = random.Random(seed)
    data = []
    for j, count in enumerate(_split(n, classes)):
        for r in _linspace(0.0, 1.0, count):
            t = 4 * j + 4 * r + rng.gauss(0, noise)
            data.append(([r * math.sin(t), r * math.cos(t)], j))
    rng.shuffle(data)
    return [x for x, _ in data], [label for _, label in data]


def blobs(n=100, centers=3, noise=0.5, seed=None):
    """Gaussian blobs of standard deviation ``noise`` around given or default centers.

    ``centers`` is a number of classes K (centers evenly spaced on a circle of
    radius 2) or a list of K points [c1, c2].
    """
    n = _check_count(n, "blobs: n", 1)
    noise = _check_noise(noise, "blobs")
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _check_count(centers, "blobs: centers", 1)
        centers = [(2 * math.cos(2 * math.pi * j / k), 2 * math.sin(2 * math.pi * j / k))
                   for j in range(k)]
    else:
        try:
            centers = [(float(c1), float(c2)) for c1, c2 in centers]
        except (TypeError, ValueError):
            raise ValueError(
                f"blobs: centers must be a number of classes or a list of [x1, x2] points, "
                f"got {centers!r}") from None
        if not centers:
            raise ValueError("blobs: centers must not be an empty list")
    rng = random.Random(seed)
    points, labels = [], []
    for j, count in enumerate(_split(n, len(centers))):
        points += [centers[j]] * count
        labels += [j] * count
    return _finish(points, labels, noise, rng)


# --- real data: handwritten digits ---------------------------------------------------

DIGITS_SIZE = 1797  # images in scikit-learn's bundled digits data


class Digits(NamedTuple):
    """scikit-learn's 8x8 handwritten digits, split into a training and a test set.

    ``X_train``, ``X_test``  lists of images, each 64 numbers in [0, 1] (pixel / 16),
                            row by row: pixel (r, c) is ``x[8 * r + c]``
    ``y_train``, ``y_test``  the digits shown, plain ints 0..9
    ``images_train``, ``images_test``  the same images as 8 rows of 8, for plotting

    It unpacks like scikit-learn's ``train_test_split``:
    ``X_train, X_test, y_train, y_test = digits()``.
    """

    X_train: list
    X_test: list
    y_train: list
    y_test: list

    @property
    def images_train(self):
        return [image(x) for x in self.X_train]

    @property
    def images_test(self):
        return [image(x) for x in self.X_test]


def image(x):
    """A digit's 64 inputs as 8 rows of 8 pixels (for plt.imshow)."""
    return [list(x[8 * r:8 * r + 8]) for r in range(8)]


def _check_test_size(test_size):
    """test_size as scikit-learn reads it: a fraction in (0, 1) or a whole number of images."""
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        if 10 <= test_size <= DIGITS_SIZE - 10:
            return int(test_size)
    elif isinstance(test_size, numbers.Real) and not isinstance(test_size, bool):
        if 10 / DIGITS_SIZE <= test_size <= 1 - 10 / DIGITS_SIZE:
            return float(test_size)
    raise ValueError(
        f"digits: test_size must be a fraction between 0 and 1 or a whole number of "
        f"images (at least 10 in each set, of {DIGITS_SIZE}), got {test_size!r}")


def digits(test_size=0.2, seed=0):
    """The 1,797 handwritten digits (8x8 pixels, classes 0-9), split into train and test.

    The data file ships inside scikit-learn (nothing is downloaded): the ``digits``
    extra.  Pixels (0..16) are scaled to [0, 1].  The split is stratified (each
    digit in the same proportion in both sets) and seeded: ``test_size`` is the
    fraction (or number) of images held out for testing, ``seed`` chooses which.
    Returns a :class:`Digits`.
    """
    test_size = _check_test_size(test_size)
    load_digits = require("sklearn.datasets", "digits", "datasets.digits()").load_digits
    split = require("sklearn.model_selection", "digits", "datasets.digits()").train_test_split
    data = load_digits()
    X = (data.data / 16.0).tolist()  # plain Python floats, as the engine wants
    y = [int(label) for label in data.target]
    X_train, X_test, y_train, y_test = split(X, y, test_size=test_size, random_state=seed,
                                             stratify=y)
    return Digits(X_train, X_test, y_train, y_test)
