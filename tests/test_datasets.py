"""Datasets: shapes, labels, reproducibility, and the geometry each one promises."""

import math
import statistics

import pytest

from micrograd_bp.datasets import blobs, circles, moons, spiral, xor

ALL = [moons, circles, xor, spiral, blobs]


@pytest.mark.parametrize("make", ALL)
def test_returns_plain_lists_of_points_and_int_labels(make):
    X, y = make(n=30, seed=1)
    assert type(X) is list and type(y) is list and len(X) == len(y) == 30
    assert all(type(x) is list and len(x) == 2 and all(type(v) is float for v in x) for x in X)
    assert all(type(label) is int for label in y)


@pytest.mark.parametrize("make", ALL)
def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(make):
    assert make(n=20, seed=7) == make(n=20, seed=7)
    assert make(n=20, seed=7) != make(n=20, seed=8)


@pytest.mark.parametrize("make, k", [(moons, 2), (circles, 2), (spiral, 3), (blobs, 3)])
def test_classes_are_balanced(make, k):
    _, y = make(n=31, seed=0)
    counts = [y.count(j) for j in range(k)]
    assert sum(counts) == 31 and max(counts) - min(counts) <= 1


def test_data_is_shuffled():
    _, y = moons(n=100, seed=0)
    assert y != sorted(y)


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = moons(n=50, noise=0.0, seed=0)
    for (x1, x2), label in zip(X, y):
        if label == 0:   # upper moon: unit circle around (0, 0), x2 >= 0
            assert math.hypot(x1, x2) == pytest.approx(1.0) and x2 >= -1e-12
        else:            # lower moon: unit circle around (1, 0.5), x2 <= 0.5
            assert math.hypot(x1 - 1, x2 - 0.5) == pytest.approx(1.0) and x2 <= 0.5 + 1e-12


def test_moons_noise_is_the_standard_deviation_of_the_offsets():
    def radial_offset(x, label):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        return math.hypot(x[0] - centre[0], x[1] - centre[1]) - 1.0

    X, y = moons(n=2000, noise=0.1, seed=3)
    # the radial part of isotropic Gaussian noise has the std of one coordinate
    offsets = [radial_offset(x, label) for x, label in zip(X, y)]
    assert statistics.pstdev(offsets) == pytest.approx(0.1, rel=0.1)


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = circles(n=40, noise=0.0, factor=0.3, seed=0)
    for (x1, x2), label in zip(X, y):
        assert math.hypot(x1, x2) == pytest.approx(1.0 if label == 0 else 0.3)


def test_xor_labels_are_one_where_the_signs_differ():
    X, y = xor(n=200, noise=0.0, seed=0)
    assert y == [int(x1 * x2 < 0) for x1, x2 in X]
    assert all(-1 <= v <= 1 for x in X for v in x)


def test_spiral_without_noise_has_angle_four_j_plus_four_r():
    X, y = spiral(n=60, classes=3, noise=0.0, seed=0)
    for (x1, x2), j in zip(X, y):
        r = math.hypot(x1, x2)
        assert r <= 1 + 1e-12
        if r > 1e-9:
            t = 4 * j + 4 * r   # the point must be (r sin t, r cos t)
            assert (x1, x2) == pytest.approx((r * math.sin(t), r * math.cos(t)), abs=1e-12)


def test_spiral_with_k_classes_uses_labels_zero_to_k_minus_one():
    _, y = spiral(n=50, classes=5, seed=0)
    assert sorted(set(y)) == [0, 1, 2, 3, 4]


def test_blobs_spread_around_their_given_centers_with_std_noise():
    centers = [[-3.0, 0.0], [3.0, 1.0]]
    X, y = blobs(n=4000, centers=centers, noise=0.5, seed=0)
    for j, (c1, c2) in enumerate(centers):
        pts = [x for x, label in zip(X, y) if label == j]
        assert statistics.fmean(p[0] for p in pts) == pytest.approx(c1, abs=0.05)
        assert statistics.fmean(p[1] for p in pts) == pytest.approx(c2, abs=0.05)
        assert statistics.pstdev(p[0] for p in pts) == pytest.approx(0.5, rel=0.08)


def test_blobs_default_centers_lie_on_a_circle_of_radius_two():
    X, y = blobs(n=8, centers=4, noise=0.0, seed=0)
    for (x1, x2), j in zip(X, y):
        angle = 2 * math.pi * j / 4
        assert (x1, x2) == pytest.approx((2 * math.cos(angle), 2 * math.sin(angle)), abs=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: moons(n=1), "moons: n must be a whole number >= 2, got 1"),
    (lambda: moons(n=10.5), "moons: n must be a whole number >= 2, got 10.5"),
    (lambda: circles(noise=-0.1), "circles: noise must be a number >= 0, got -0.1"),
    (lambda: circles(factor=1.5), "circles: factor must be between 0 and 1, got 1.5"),
    (lambda: spiral(classes=1), "spiral: classes must be a whole number >= 2, got 1"),
    (lambda: xor(noise="big"), "xor: noise must be a number >= 0, got 'big'"),
    (lambda: blobs(centers=[[1, 2, 3]]), "blobs: centers must be a number of classes or a list"),
    (lambda: blobs(centers=[]), "blobs: centers must not be an empty list"),
])
def test_bad_arguments_give_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        call()


# --- handwritten digits (scikit-learn's bundled data) ---------------------------------

def test_digits_are_1797_scaled_images_split_by_test_size():
    pytest.importorskip("sklearn")
    from micrograd_bp.datasets import digits
    d = digits(test_size=0.25, seed=0)
    assert len(d.X_train) + len(d.X_test) == 1797 and len(d.X_test) == 450
    assert all(len(x) == 64 for x in d.X_train + d.X_test)
    pixels = [p for x in d.X_train for p in x]
    assert min(pixels) == 0.0 and max(pixels) == 1.0          # pixel / 16
    assert sorted(set(d.y_train)) == list(range(10))
    assert all(type(label) is int for label in d.y_test)


def test_digits_split_is_stratified_and_seeded():
    pytest.importorskip("sklearn")
    from micrograd_bp.datasets import digits
    a, b = digits(seed=1), digits(seed=2)
    assert a == digits(seed=1)
    assert a.X_test != b.X_test
    share = [a.y_test.count(k) / len(a.y_test) for k in range(10)]
    assert all(0.09 <= s <= 0.11 for s in share)   # every digit ~10% of the test set
    assert len(digits(test_size=100).X_test) == 100


def test_digits_images_are_the_inputs_as_8_rows_of_8():
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    from micrograd_bp.datasets import digits
    d = digits()
    img = d.images_test[0]
    assert len(img) == 8 and all(len(row) == 8 for row in img)
    assert img[2][5] == d.X_test[0][8 * 2 + 5]
    # the same picture scikit-learn holds, before scaling
    raw = sklearn_datasets.load_digits()
    matches = [i for i, x in enumerate(raw.data.tolist()) if [p / 16 for p in x] == d.X_test[0]]
    assert matches and (raw.images[matches[0]] / 16).tolist() == img
    assert raw.target[matches[0]] == d.y_test[0]


@pytest.mark.parametrize("test_size", [0, 1.0, 1797, 5, -0.2, "half", True])
def test_digits_rejects_a_bad_test_size(test_size):
    from micrograd_bp.datasets import digits
    with pytest.raises(ValueError, match=f"digits: test_size must be .* got {test_size!r}"):
        digits(test_size=test_size)


def test_digits_without_scikit_learn_says_what_to_install(monkeypatch):
    import sys

    from micrograd_bp.datasets import digits
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[digits\]'"):
        digits()
