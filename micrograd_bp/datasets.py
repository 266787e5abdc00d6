"""Small 2-D classification datasets, in pure Python.

Every function returns ``(X, y)``: ``X`` a list of points ``[x1, x2]`` and ``y`` a
list of class indices 0, 1, ..., K-1 (plain ints), in a shuffled order.  ``noise``
is the standard deviation of the Gaussian noise added to every point, and
``seed`` makes the data reproducible (``seed=None`` draws fresh data each call).

For a hinge loss, which wants labels -1 and +1, use ``[2 * yi - 1 for yi in y]``
(:func:`micrograd_bp.train.fit` does this itself for ``loss="hinge"``).
"""

import math
import numbers
import random

from . import checks

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
