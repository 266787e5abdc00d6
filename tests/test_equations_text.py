"""equations_text: how an equation check is written in text, LaTeX and HTML."""

import pytest

np = pytest.importorskip("numpy")

from micrograd_bp.equations import EquationCheck  # noqa: E402
from micrograd_bp.equations_text import latex, substituted, tex, tex_number, text, text_matrix  # noqa: E402


def test_numbers_in_latex_use_powers_of_ten():
    assert tex_number(1.25e-7) == r"1.25 \times 10^{-7}"
    assert tex_number(-0.0) == "0"
    assert tex(np.array([1.0, 2.5])) == r"\begin{pmatrix} 1 \\ 2.5 \end{pmatrix}"


def test_text_matrices_are_aligned():
    # every cell right-aligned to the widest (4 characters), -0.0 written as 0
    assert text_matrix(np.array([[0.25, -1.5], [10.0, -0.0]])) == ["[ 0.25  -1.5 ]",
                                                                    "[   10     0 ]"]


def step3(B):
    delta = np.array([[0.5] * B, [-1.0] * B])
    return EquationCheck(3, 1, "delta", delta, delta, "z.grad", activation="relu", B=B,
                         operands={"W_next": np.eye(2), "delta_next": delta,
                                   "sigma_prime": np.ones((2, B))})


def test_step_3_in_text_and_latex():
    c = step3(1)
    assert text(c) == c.text == "delta^(1) = (W^(2))^T delta^(2) * sigma'(z^(1)),  sigma = relu"
    assert latex(c) == (r"\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot \sigma'(z^{(1)}),"
                        r" \quad \sigma = \operatorname{relu}")
    assert latex(step3(2)).startswith(r"\delta_i^{(1)} = (W^{(2)})^T \delta_i^{(2)}")
    assert substituted(c).endswith(r"= \begin{pmatrix} 0.5 \\ -1 \end{pmatrix}")


def test_the_minibatch_gradient_is_written_as_a_mean():
    delta = np.array([[1.0, 3.0]])
    c = EquationCheck(4, 2, "db", np.array([2.0]), np.array([2.0]), "b.grad", B=2,
                      operands={"delta": delta})
    assert text(c) == "dL/db^(2) = 1/B sum_i delta_i^(2)"
    assert substituted(c) == (r"\frac{1}{2} \left( \begin{pmatrix} 1 \end{pmatrix} + "
                              r"\begin{pmatrix} 3 \end{pmatrix} \right) = \begin{pmatrix} 2 \end{pmatrix}")


def test_the_report_table_keeps_its_verdict_in_the_first_column_of_a_narrow_page():
    from micrograd_bp import MLP, check_backprop

    page = check_backprop(MLP(3, [4, 3], seed=0), [1.0, -2.0, 0.5], 1)._repr_html_()
    assert 'table-layout: fixed; width: 100%' in page  # the table never outgrows its column
    rows = page.split("</table>")[0].split("<tr>")[2:]  # after the header
    assert len(rows) == page.count("&#10004; agree") > 0
    for row in rows:
        first, rest = row.split("</td>", 1)
        assert "agree" in first and "agree" not in rest  # the verdict beside the step
        assert rest.count('<div style="overflow-x: auto; max-width: 100%">$$') == 3  # wide maths scroll
