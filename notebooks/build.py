"""Build the teaching notebooks from the cells below, run them, save them with outputs.

The notebooks in this folder are generated: edit the cells here, then run ::

    python notebooks/build.py              # rebuild, execute and save every notebook
    python notebooks/build.py 01 04        # only the notebooks whose names start so

Each notebook is a list of markdown and code cells.  Saving them *with* their
outputs lets them read well on a code-hosting site; ``tests/test_notebooks.py``
executes them again, so an output that no longer matches the code cannot hide.
The kernel is always the Python running this script (``sys.executable``).
"""

import json
import sys
import tempfile
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CELL_TIMEOUT = 120  # seconds one cell may take before the run counts as failed
KERNEL_NAME = "micrograd-bp-build"


# --- the cell helpers -------------------------------------------------------------

def md(text):
    """A markdown cell (the text is dedented, so it can be indented in this file)."""
    return ("markdown", textwrap.dedent(text).strip("\n"))


def code(text):
    """A code cell."""
    return ("code", textwrap.dedent(text).strip("\n"))


# Cells that need modules still being written elsewhere: filled in when they land.
WIDGET_CELLS_2 = [
    md(r"""
    ## Watching it: frames and a stepper widget

    `backward_frames(L)` draws one picture per step: the node that just passed
    its grad on is outlined in red, its operands in orange, and the step's
    arithmetic is written underneath. Frame 0 is the graph after the forward
    pass; here is frame 4, the step in which $z$ hands $\delta$ to the three
    products and the bias.

    In Jupyter, `stepper_widget(L)` puts all the frames behind *previous*, *play*
    and *next* buttons and a slider. (A widget needs a running kernel: a static
    copy of this notebook cannot show it.) Making the frames runs the
    backward pass again, so the leaves accumulate once more; the checks at the
    end zero them first.
    """),
    code(r"""
    from micrograd_bp.widgets import backward_frames, stepper_widget

    if dot_installed():
        frames = backward_frames(L)
        print(f"{len(frames)} frames; frame 4 is:")
        display(frames[4])
        display(stepper_widget(L))
    else:
        print("the frames and the widget need Graphviz's dot program")
    """),
]
GRAPH_CELLS_3 = [
    md(r"""
    ## The graph, with δ on the z nodes

    `draw_graph(loss, view="neuron")` draws the forward pass one box per neuron,
    in the document's notation: each box shows $z^{(l)}_j$, $h^{(l)}_j$ and
    $\delta^{(l)}_j$, which is nothing but the grad of the node $z^{(l)}_j$. Each
    edge is a weight $W^{(l)}_{ji}$ (blue when positive, red when negative, thicker
    when larger) with its value and its grad $\delta^{(l)}_j h^{(l-1)}_i$.
    Follow the δ's from right to left: that is Step 3 on a picture.
    """),
    code(r"""
    from micrograd_bp.draw import draw_graph

    draw_graph(loss, view="neuron")  # without Graphviz's dot, Jupyter shows the DOT text
    """),
]
REPORT_CELLS_3 = [
    md(r"""
    ## All of this in one call: `check_backprop`

    `micrograd_bp.backprop.check_backprop(mlp, X, T)` does what this notebook did
    by hand: it runs the engine's `backward()`, evaluates each of the document's
    equations with numpy from the forward values alone, and sets the two side by
    side, equation by equation. In Jupyter it shows the equations with the numbers
    substituted. It also takes a minibatch (a list of samples), where Step 4 becomes
    the $\frac{1}{B}\sum_i$ average of notebook 4.
    """),
    code(r"""
    from micrograd_bp.backprop import check_backprop

    report = check_backprop(mlp, list(x), t)
    report
    """),
]


# --- 1. the chain rule -----------------------------------------------------------

def chain_rule():
    return [
        md(r"""
        # 1. The chain rule, one node at a time

        Backpropagation is the chain rule of calculus, applied to one node of a
        computation graph at a time. In this notebook you will

        1. build a small expression out of `Value`s and look at its graph,
        2. work out every derivative **by hand**,
        3. check your numbers against `backward()` and against finite differences
           (`gradcheck`), and
        4. meet the two classic pitfalls: a node that is used twice, and calling
           `backward()` twice.

        Everything here uses only the engine: `Value`, `backward()` and `gradcheck`.
        """),
        md(r"""
        ## An expression as a graph

        We compute $L = (a \cdot b + c) \cdot f$ in three small steps, naming every
        intermediate result, just as you would on paper:

        $$e = a \cdot b, \qquad d = e + c, \qquad L = d \cdot f$$
        """),
        code(r"""
        from micrograd_bp import Value, gradcheck, topological_order
        from micrograd_bp.draw import draw_graph


        a = Value(2.0, label="a")
        b = Value(-3.0, label="b")
        c = Value(10.0, label="c")
        f = Value(-2.0, label="f")

        e = a * b
        e.label = "e"
        d = e + c
        d.label = "d"
        L = d * f
        L.label = "L"
        L
        """),
        md(r"""
        Every `Value` remembers how it was made: its operation `op` and its operands
        `children`. That record *is* the computation graph. `topological_order(L)`
        lists the graph so that every node comes after the nodes it was made from,
        which is the order of the forward pass:
        """),
        code(r"""
        def equation(node):
            '''One line for a node: how it was computed, and its value.'''
            if not node.op:
                return f"{node.label:>2} = {node.data:g}   (a leaf: an input)"
            operands = f" {node.op} ".join(child.label for child in node.children)
            return f"{node.label:>2} = {operands} = {node.data:g}"

        for node in topological_order(L):
            print(equation(node))
        """),
        md(r"""
        `draw_graph` draws the same graph: a box per `Value` (its label and data), and
        a small circle per operation between its operands and its result.
        """),
        code(r"""
        display(draw_graph(L, show_grad=False))
        """),
        md(r"""
        ## Every derivative by hand

        The chain rule says: if $L$ depends on $x$ only through $u$, then

        $$\frac{\partial L}{\partial x} = \frac{\partial L}{\partial u}\,\frac{\partial u}{\partial x}.$$

        $\partial u / \partial x$ is a **local derivative**: it only involves the one
        operation that made $u$. So we start at the top, where
        $\partial L / \partial L = 1$, and walk down the graph, multiplying by one local
        derivative per step:

        | node | how it was made | local derivatives | chain rule |
        |---|---|---|---|
        | $L$ | $L = d \cdot f$ | $\partial L/\partial d = f$, $\partial L/\partial f = d$ | |
        | $d$ | $d = e + c$ | $\partial d/\partial e = 1$, $\partial d/\partial c = 1$ | $\partial L/\partial d = f$ |
        | $e$ | $e = a \cdot b$ | $\partial e/\partial a = b$, $\partial e/\partial b = a$ | $\partial L/\partial e = \partial L/\partial d \cdot 1$ |
        | $a$ | leaf | | $\partial L/\partial a = \partial L/\partial e \cdot b$ |

        Here are the same steps with plain Python numbers (no `Value`s involved):
        """),
        code(r"""
        by_hand = {"L": 1.0}                       # dL/dL = 1
        by_hand["d"] = by_hand["L"] * f.data       # L = d * f  ->  dL/dd = f
        by_hand["f"] = by_hand["L"] * d.data       #            ->  dL/df = d
        by_hand["e"] = by_hand["d"] * 1.0          # d = e + c  ->  dd/de = 1
        by_hand["c"] = by_hand["d"] * 1.0          #            ->  dd/dc = 1
        by_hand["a"] = by_hand["e"] * b.data       # e = a * b  ->  de/da = b
        by_hand["b"] = by_hand["e"] * a.data       #            ->  de/db = a
        by_hand
        """),
        md(r"""
        ## The same numbers from `backward()`

        `L.backward()` does exactly what we just did: it walks the graph from $L$
        down (the topological order, reversed) and, for every edge from a node to
        one of its operands, applies the chain rule once:

        ```python
        child.grad += local_derivative * node.grad
        ```

        Afterwards every node's `.grad` holds $\partial L / \partial(\text{node})$.
        """),
        code(r"""
        L.backward()

        print(f"{'node':>4}  {'by hand':>8}  {'backward()':>10}")
        for node in reversed(topological_order(L)):
            print(f"{node.label:>4}  {by_hand[node.label]:8g}  {node.grad:10g}")
        """),
        md(r"""
        The drawing now shows each node's grad beside its data. Read it from right
        to left: every grad is the grad to its right times one local derivative.
        """),
        code(r"""
        display(draw_graph(L))
        """),
        md(r"""
        The local derivatives come from one table in the engine,
        `micrograd_bp.rules`: one small rule per operation. You can ask it for the
        local derivatives of any node:
        """),
        code(r"""
        from micrograd_bp.rules import local_derivatives

        for node in (L, d, e):
            names = ", ".join(f"d{node.label}/d{child.label}" for child in node.children)
            print(f"{node.label} = {' {} '.format(node.op).join(ch.label for ch in node.children)}:"
                  f"  ({names}) = {local_derivatives(node)}")
        """),
        md(r"""
        ## A check that needs no chain rule: finite differences

        A derivative is a limit of difference quotients. The **central difference**

        $$\frac{\partial L}{\partial a} \approx \frac{L(a + \varepsilon) - L(a - \varepsilon)}{2\varepsilon}$$

        only evaluates the expression; it knows nothing about graphs or local
        derivatives. If it agrees with `backward()` for every input, the chain rule
        was applied correctly. `gradcheck(f, inputs)` does this for every input of a
        function:
        """),
        code(r"""
        gradcheck(lambda a, b, c, f: (a * b + c) * f, [2.0, -3.0, 10.0, -2.0])
        """),
        md(r"""
        The same works for any expression built from the engine's operations, for
        example one with `tanh`, `exp` and a division:

        $$g(x, y) = \tanh(x y) + \frac{e^x}{y}$$

        whose derivatives, by hand, are

        $$\frac{\partial g}{\partial x} = (1 - \tanh^2(x y))\, y + \frac{e^x}{y}, \qquad
          \frac{\partial g}{\partial y} = (1 - \tanh^2(x y))\, x - \frac{e^x}{y^2}.$$
        """),
        code(r"""
        import math


        def g(x, y):
            return (x * y).tanh() + x.exp() / y

        x, y = Value(0.5, label="x"), Value(-1.5, label="y")
        out = g(x, y)
        out.backward()

        sech2 = 1 - math.tanh(0.5 * -1.5) ** 2
        dg_dx = sech2 * -1.5 + math.exp(0.5) / -1.5
        dg_dy = sech2 * 0.5 - math.exp(0.5) / (-1.5) ** 2
        print(f"dg/dx: backward() {x.grad:.10f}   by hand {dg_dx:.10f}")
        print(f"dg/dy: backward() {y.grad:.10f}   by hand {dg_dy:.10f}")
        print(gradcheck(g, [0.5, -1.5]))
        """),
        md(r"""
        ## Pitfall 1: a node that is used twice

        In $y = x \cdot x$ the node $x$ feeds the multiplication **twice**, once as
        each operand. The graph has two edges from $x$ to $y$, and the chain rule
        gives one contribution per edge; $x$ receives their **sum** (the
        multivariable chain rule):

        $$\frac{\partial y}{\partial x} = \underbrace{x}_{\text{first operand}} + \underbrace{x}_{\text{second operand}} = 2x.$$

        That is why `backward()` writes `child.grad += ...` and not `=`: with `=`,
        the second edge would overwrite the first and $x$ would get $x$ instead of
        $2x$.
        """),
        code(r"""
        x = Value(3.0, label="x")
        y = x * x
        y.label = "y"
        print("operands of y:", [child.label for child in y.children])
        y.backward()
        print("dy/dx =", x.grad, "  (2x =", 2 * x.data, ")")
        display(draw_graph(y))
        """),
        md(r"""
        The same happens whenever an intermediate result is reused. With
        $h = \tanh(x)$ and $L = h \cdot h + 3h$, the node $h$ is used three times,
        so $\partial L/\partial h = h + h + 3$, and then
        $\partial L/\partial x = (2h + 3)(1 - h^2)$:
        """),
        code(r"""
        x = Value(0.7, label="x")
        h = x.tanh()
        h.label = "h"
        L2 = h * h + 3 * h
        L2.backward()

        t = math.tanh(0.7)
        print(f"dL/dh: backward() {h.grad:.10f}   by hand 2h + 3 = {2 * t + 3:.10f}")
        print(f"dL/dx: backward() {x.grad:.10f}   by hand       = {(2 * t + 3) * (1 - t * t):.10f}")
        """),
        md(r"""
        ## Pitfall 2: calling `backward()` twice

        Leaves (inputs and parameters) **accumulate** their gradients: each
        `backward()` *adds* to `.grad`. Interior nodes are reset at the start of each
        `backward()`. So a second call leaves every leaf with **twice** its gradient,
        while the interior nodes still hold exactly $\partial L/\partial(\text{node})$.
        """),
        code(r"""
        print("after one backward():  a.grad =", a.grad, "  e.grad =", e.grad)
        L.backward()
        print("after two backward():  a.grad =", a.grad, "  e.grad =", e.grad)
        """),
        md(r"""
        This is on purpose: it is how the gradients of the samples of a minibatch
        add up (notebook 4). The price is that you must **zero the leaf gradients**
        before computing a fresh gradient. For a network, `model.zero_grad()` does
        it; for our loose leaves we do it by hand:
        """),
        code(r"""
        for leaf in (a, b, c, f):
            leaf.grad = 0.0
        L.backward()
        print("zeroed, then one backward():  a.grad =", a.grad)
        """),
        md(r"""
        ## Checking this notebook's numbers

        A notebook that teaches gradients should not trust the engine it teaches.
        The checks below compare `backward()` with references computed
        independently: the derivatives we worked out by hand, and central
        differences of the same expressions written with plain Python floats (no
        `Value` anywhere). If the engine were wrong, this cell would fail.
        """),
        code(r"""
        def central_difference(function, point, i, eps=1e-6):
            '''d function / d point[i], from two evaluations with plain floats.'''
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            return (function(*up) - function(*down)) / (2 * eps)

        def L_float(a, b, c, f):
            return (a * b + c) * f

        def g_float(x, y):
            return math.tanh(x * y) + math.exp(x) / y

        # L = (a b + c) f: backward() against the hand derivation and against floats
        point = [a.data, b.data, c.data, f.data]
        for i, leaf in enumerate((a, b, c, f)):
            assert math.isclose(leaf.grad, by_hand[leaf.label]), leaf.label
            numeric = central_difference(L_float, point, i)
            assert math.isclose(leaf.grad, numeric, rel_tol=1e-6), (leaf.label, leaf.grad, numeric)
        for node in (L, d, e):
            assert math.isclose(node.grad, by_hand[node.label]), node.label

        # g(x, y) = tanh(x y) + e^x / y
        x, y = Value(0.5), Value(-1.5)
        g(x, y).backward()
        assert math.isclose(x.grad, central_difference(g_float, [0.5, -1.5], 0), rel_tol=1e-6)
        assert math.isclose(y.grad, central_difference(g_float, [0.5, -1.5], 1), rel_tol=1e-6)
        assert math.isclose(x.grad, dg_dx) and math.isclose(y.grad, dg_dy)
        assert gradcheck(g, [0.5, -1.5]) and gradcheck(g, [-2.0, 0.25])

        # a node used twice: y = x * x, and L = h h + 3 h with h = tanh(x)
        x = Value(3.0)
        (x * x).backward()
        assert x.grad == 6.0
        def L2_float(x):
            return math.tanh(x) ** 2 + 3 * math.tanh(x)

        x = Value(0.7)
        h = x.tanh()
        (h * h + 3 * h).backward()
        numeric = central_difference(L2_float, [0.7], 0)
        assert math.isclose(x.grad, numeric, rel_tol=1e-6)

        # backward() twice: leaves double, interior nodes do not
        for leaf in (a, b, c, f):
            leaf.grad = 0.0
        L.backward()
        once = a.grad
        L.backward()
        assert a.grad == 2 * once and e.grad == by_hand["e"]
        print("all checks passed")
        """),
    ]


# --- 2. one neuron, stepped -------------------------------------------------------

def neuron_steps():
    return [
        md(r"""
        # 2. One neuron, one chain-rule step at a time

        A neuron computes a weighted sum of its inputs plus a bias, and squashes it:

        $$z = w_1 x_1 + w_2 x_2 + b, \qquad h = \tanh(z).$$

        In this notebook we build one neuron from `Value`s and watch its backward
        pass **one node at a time** with `backward_steps`, which does exactly what
        `backward()` does but pauses after every application of the chain rule and
        tells you the arithmetic. Then we do the same for a neuron of an `MLP`,
        with a loss, and meet the document's error signal $\delta = \partial L/\partial z$.
        """),
        code(r"""
        import math

        from micrograd_bp import Neuron, Value
        from micrograd_bp.draw import dot_installed, draw_graph
        from micrograd_bp.stepper import backward_steps


        x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")     # inputs
        w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")    # weights
        b = Value(6.8813735870195432, label="b")                    # bias

        w1x1 = w1 * x1
        w1x1.label = "w1x1"
        w2x2 = w2 * x2
        w2x2.label = "w2x2"
        z = Value.sum([w1x1, w2x2, b])   # one "+" node with three operands
        z.label = "z"
        h = z.tanh()
        h.label = "h"
        print(f"z = {z.data:.4f},  h = tanh(z) = {h.data:.4f}")
        display(draw_graph(h, show_grad=False))
        """),
        md(r"""
        ## Stepping through the backward pass

        `backward_steps(h)` is a generator. Before its first step it does what
        `backward()` does first: it resets the interior nodes' grads and sets
        $\partial h/\partial h = 1$. Each `next()` then lets **one** node pass its
        grad to its operands, by the chain rule

        ```
        child.grad += (d node / d child) × node.grad
        ```

        and returns a `Step` that prints that arithmetic.

        **Step 0**, the tanh node. Its local derivative is
        $\frac{d}{dz}\tanh z = 1 - \tanh^2 z = 1 - h^2$:
        """),
        code(r"""
        steps = backward_steps(h)
        print(next(steps))
        """),
        md(r"""
        With this bias, $z = 0.8814$ and $h = \tanh(z) = 0.7071 = 1/\sqrt{2}$, so
        $1 - h^2 = 0.5$ exactly.

        **Step 1**, the sum node. A sum's local derivative is 1 for every operand,
        so a `+` node hands its grad unchanged to each operand. Each product, and
        the bias, now holds $\partial h / \partial(\cdot) = 0.5$:
        """),
        code(r"""
        print(next(steps))
        """),
        md(r"""
        **Steps 2 and 3**, the products. For $w \cdot x$ the local derivative with
        respect to $w$ is $x$, and with respect to $x$ is $w$: each operand gets the
        *other* operand's value times the grad. Note $w_2$: its input $x_2$ is 0,
        so it gets no gradient at all. A weight only learns from inputs that are
        not zero.
        """),
        code(r"""
        for step in steps:
            print(step)
            print()
        """),
        md(r"""
        The leaves take no step: they have no operands to pass a grad on to. Here is
        the graph after the walk; every box holds its final grad:
        """),
        code(r"""
        display(draw_graph(h))
        """),
        md(r"""
        Running every step leaves exactly the grads `backward()` leaves. To compare,
        zero the leaves (they accumulate, notebook 1) and call `backward()`:
        """),
        code(r"""
        leaves = (x1, x2, w1, w2, b)
        stepped = {v.label: v.grad for v in leaves}
        for v in leaves:
            v.grad = 0.0
        h.backward()
        print(f"{'leaf':>4}  {'stepped':>8}  {'backward()':>10}")
        for v in leaves:
            print(f"{v.label:>4}  {stepped[v.label]:8.4f}  {v.grad:10.4f}")
        """),
        md(r"""
        ## A neuron of a network, with a loss: meet δ

        In a network the neuron's output feeds a **loss** $L$, and what we want are
        $\partial L/\partial w_i$ and $\partial L/\partial b$. Take `Neuron` from
        the package, neuron $j = 0$ of layer $l = 1$, whose parameters are labelled
        in the document's notation ($W^{(1)}_{0,i}$ is `W1[0,i]`, $b^{(1)}_0$ is
        `b1[0]`), and a squared error against a target $t$:

        $$z = \sum_i W_{0,i}\, x_i + b_0, \qquad h = \tanh(z), \qquad e = h - t, \qquad L = e \cdot e .$$

        The node $e$ is used twice (as both operands of $e \cdot e$), so
        $\partial L/\partial e = e + e = 2e$, as in notebook 1.

        The stepper names the grad of the node $z$ by its name in the document:
        the **error signal** $\delta = \partial L/\partial z$ (written `δ1[0]`). By
        the chain rule,

        $$\delta = \frac{\partial L}{\partial h}\,\sigma'(z) = 2(h - t)\,(1 - h^2),$$

        the one-neuron version of the document's Step 2, and then every weight gets
        $\partial L / \partial W_{0,i} = \delta\, x_i$ and the bias
        $\partial L / \partial b_0 = \delta$ (Step 4).

        The products $W_{0,i}\, x_i$ that `Neuron` builds have no labels; the
        stepper calls them by their position in the graph (`v2`, `v5`, ...), and
        `draw_graph(..., show_ids=True)` shows the same ids.
        """),
        code(r"""
        neuron = Neuron(3, "tanh", l=1, j=0, seed=3)
        x = [Value(0.5, label="x[0]"), Value(-1.0, label="x[1]"), Value(2.0, label="x[2]")]
        t = Value(1.0, label="t")

        z, h = neuron.forward(x)      # the z node is labelled z1[0], h is h1[0]
        e = h - t
        e.label = "e"
        L = e * e
        L.label = "L"

        for step in backward_steps(L):
            print(step)
            print()
        """),
        code(r"""
        display(draw_graph(L, show_ids=True))
        """),
        md(r"""
        Read the steps from the top: $\partial L / \partial e = 2e$ arrives in two
        halves (one per use of $e$), passes through the subtraction unchanged to
        $h$, is multiplied by $1 - h^2$ on its way into $z$, becoming $\delta$, and
        from $z$ each product receives $\delta$; finally each weight gets
        $\delta \cdot x_i$.
        """),
        code(r"""
        delta = z.grad
        print(f"delta = dL/dz = {delta:.6f}   and   2(h - t)(1 - h^2) = "
              f"{2 * (h.data - t.data) * (1 - h.data ** 2):.6f}")
        for i, w in enumerate(neuron.w):
            print(f"dL/d{w.label} = {w.grad:9.6f}   and   delta * x_{i} = {delta * x[i].data:9.6f}")
        print(f"dL/d{neuron.b.label}   = {neuron.b.grad:9.6f}   and   delta       = {delta:9.6f}")
        """),
        *WIDGET_CELLS_2,
        md(r"""
        ## Checking this notebook's numbers

        Against closed forms worked out by hand, and against central differences of
        the neuron written with plain floats and `math.tanh`.
        """),
        code(r"""
        def central_difference(function, point, i, eps=1e-6):
            up, down = list(point), list(point)
            up[i] += eps
            down[i] -= eps
            return (function(*up) - function(*down)) / (2 * eps)


        # the first neuron: h = tanh(w1 x1 + w2 x2 + b)
        def h_float(x1, x2, w1, w2, b):
            return math.tanh(w1 * x1 + w2 * x2 + b)


        point = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]
        assert math.isclose(h_float(*point), 1 / math.sqrt(2), rel_tol=1e-12)
        for i, v in enumerate(leaves):
            numeric = central_difference(h_float, point, i)
            assert math.isclose(stepped[v.label], numeric, rel_tol=1e-6, abs_tol=1e-9), v.label
            assert math.isclose(v.grad, numeric, rel_tol=1e-6, abs_tol=1e-9), v.label
        assert math.isclose(stepped["w1"], 0.5 * 2.0) and stepped["w2"] == 0.0  # (1 - h^2) x_i

        # the network's neuron: L = (tanh(W x + b) - t)^2
        def L_float(w0, w1, w2, b0):
            return (math.tanh(w0 * 0.5 + w1 * -1.0 + w2 * 2.0 + b0) - 1.0) ** 2


        params = [*neuron.w, neuron.b]
        for p in params:
            p.grad = 0.0   # the frames and the widget ran the backward pass again
        L.backward()
        point = [p.data for p in params]
        h_value = math.tanh(sum(w * xi for w, xi in zip(point, [0.5, -1.0, 2.0])) + point[3])
        assert math.isclose(delta, 2 * (h_value - 1.0) * (1 - h_value ** 2), rel_tol=1e-12)
        for i, p in enumerate(params):
            assert math.isclose(p.grad, central_difference(L_float, point, i), rel_tol=1e-6), p.label

        # the stepped delta (read from z after the steps) gives backward()'s grads exactly
        assert [p.grad for p in params] == [delta * xi for xi in (0.5, -1.0, 2.0)] + [delta]
        print("all checks passed")
        """),
    ]


# --- 3. the document's 2-layer MLP -------------------------------------------------

def mlp_steps():
    return [
        md(r"""
        # 3. The document's 2-layer MLP, step by step

        The document describes backpropagation in four steps, with matrices:

        | Step | equation |
        |---|---|
        | 1. forward pass | $z^{(l)} = W^{(l)} h^{(l-1)} + b^{(l)}$, $\;h^{(l)} = \sigma(z^{(l)})$ |
        | 2. output layer error | $\delta^{(L)} = h^{(L)} - t$ (softmax with cross-entropy) |
        | 3. backpropagate the error | $\delta^{(l)} = (W^{(l+1)})^T \delta^{(l+1)} \odot \sigma'(z^{(l)})$ |
        | 4. gradients | $\dfrac{\partial L}{\partial W^{(l)}} = \delta^{(l)} (h^{(l-1)})^T$, $\;\dfrac{\partial L}{\partial b^{(l)}} = \delta^{(l)}$ |

        where the **error signal** of layer $l$ is $\delta^{(l)} = \partial L / \partial z^{(l)}$.

        The engine never uses these matrix equations. It only knows scalar
        operations and applies the chain rule one edge at a time (notebook 1). Here
        we run the engine on the document's network and read each equation's
        numbers off the graph: $\delta^{(l)}_j$ is simply the `.grad` of the node
        $z^{(l)}_j$. Then we run the document's own numpy code and get the same
        numbers.

        The network: 3 inputs, a hidden layer of 4 ReLU units, an output layer of 3
        logits, softmax and cross-entropy, so $L = 2$ layers.
        """),
        code(r"""
        import math

        from micrograd_bp import MLP
        from micrograd_bp.losses import cross_entropy, softmax

        mlp = MLP(3, [4, 3], activation="relu", seed=0)   # output layer: linear logits
        x = [1.0, -0.5, 2.0]                              # one sample, h^(0) = x
        t = [0.0, 0.0, 1.0]                               # its one-hot target: class 2


        def W(l):
            "W^(l) as a list of rows: W(l)[j][i] is the weight from unit i to unit j."
            return [[w.data for w in neuron.w] for neuron in mlp.layers[l - 1].neurons]


        def b(l):
            "b^(l) as a list."
            return [neuron.b.data for neuron in mlp.layers[l - 1].neurons]


        def show(name, vector):
            # (+ 0.0 turns a -0.0 into 0.0, which reads better)
            print(f"{name:>14} = [" + ", ".join(f"{v + 0.0:8.4f}" for v in vector) + " ]")


        for l in (1, 2):
            print(f"W^({l}) =")
            for row in W(l):
                print("   ", " ".join(f"{v:8.4f}" for v in row))
        """),
        md(r"""
        ## Step 1: the forward pass

        $$z^{(l)} = W^{(l)} h^{(l-1)} + b^{(l)}, \qquad h^{(l)} = \sigma(z^{(l)}), \qquad h^{(0)} = x$$

        `mlp.trace(x)` runs the forward pass and keeps every layer's $z^{(l)}$ and
        $h^{(l)}$ as lists of `Value`s (`trace.z[l]`, `trace.h[l]`). The output layer
        is linear: its $z^{(2)}$ are logits, and the document's
        $h^{(2)} = \operatorname{softmax}(z^{(2)})$ are the class probabilities.
        """),
        code(r"""
        trace = mlp.trace(x)
        z1, h1, z2 = trace.z[1], trace.h[1], trace.z[2]
        h2 = softmax(z2)                 # the class probabilities h^(2)
        loss = cross_entropy(z2, t)      # L = -sum_k t_k log h^(2)_k

        # z^(1) = W^(1) x + b^(1), by hand with plain numbers
        z1_by_hand = [sum(W(1)[j][i] * x[i] for i in range(3)) + b(1)[j] for j in range(4)]
        show("W1 x + b1", z1_by_hand)
        show("engine z1", [z.data for z in z1])
        show("h1 = relu(z1)", [h.data for h in h1])
        show("engine z2", [z.data for z in z2])
        show("h2 = softmax", [h.data for h in h2])
        print(f"L = {loss.data:.6f}")
        """),
        md(r"""
        Now one call fills every node with $\partial L / \partial(\text{node})$.
        Steps 2 to 4 below only *read* the results.
        """),
        code(r"""
        loss.backward()
        """),
        md(r"""
        ## Step 2: the output layer's error

        $$\delta^{(L)} = \frac{\partial L}{\partial z^{(L)}} = h^{(L)} - t$$

        For softmax followed by cross-entropy, the long chain of local derivatives
        (the log, the division, the exponentials, the sum) collapses to this one
        subtraction. The engine did not use the shortcut; it went through every
        node. Its result is the grad of the $z^{(2)}$ nodes:
        """),
        code(r"""
        delta2 = [z.grad for z in z2]
        show("h2", [h.data for h in h2])
        show("t", t)
        show("h2 - t", [h.data - tk for h, tk in zip(h2, t)])
        show("engine dL/dz2", delta2)
        """),
        md(r"""
        ## Step 3: backpropagate the error to the hidden layer

        $$\delta^{(1)} = (W^{(2)})^T \delta^{(2)} \odot \sigma'(z^{(1)})$$

        Read it from right to left, as the chain rule: $z^{(1)}_i$ reaches the loss
        through $h^{(1)}_i = \sigma(z^{(1)}_i)$ (a factor $\sigma'(z^{(1)}_i)$), and
        $h^{(1)}_i$ reaches every output $z^{(2)}_j$ through the weight
        $W^{(2)}_{ji}$ (so we sum $W^{(2)}_{ji}\, \delta^{(2)}_j$ over $j$: that is
        the transpose). For ReLU, $\sigma'(z) = 1$ where $z > 0$ and $0$ elsewhere:
        a unit that is off passes no error back.
        """),
        code(r"""
        W2T_delta2 = [sum(W(2)[j][i] * delta2[j] for j in range(3)) for i in range(4)]
        relu_prime = [1.0 if z.data > 0 else 0.0 for z in z1]
        delta1 = [a * s for a, s in zip(W2T_delta2, relu_prime)]

        show("W2^T delta2", W2T_delta2)
        show("sigma'(z1)", relu_prime)
        show("delta1", delta1)
        show("engine dL/dz1", [z.grad for z in z1])
        """),
        md(r"""
        ## Step 4: the gradients of the parameters

        $$\frac{\partial L}{\partial W^{(l)}} = \delta^{(l)} \big(h^{(l-1)}\big)^T, \qquad
          \frac{\partial L}{\partial b^{(l)}} = \delta^{(l)}$$

        An outer product: entry $[j, i]$ is $\delta^{(l)}_j\, h^{(l-1)}_i$, because
        $W^{(l)}_{ji}$ multiplies $h^{(l-1)}_i$ on its way into $z^{(l)}_j$. The
        engine's numbers are the `.grad` of the parameters:
        """),
        code(r"""
        deltas = {1: [z.grad for z in z1], 2: delta2}
        for l in (1, 2):
            h_prev = [h.data for h in trace.h[l - 1]]
            layer = mlp.layers[l - 1]
            print(f"dL/dW^({l}) = delta^({l}) h^({l - 1})^T   |   engine W{l}.grad")
            for j, neuron in enumerate(layer.neurons):
                formula = " ".join(f"{deltas[l][j] * hi + 0.0:8.4f}" for hi in h_prev)
                engine = " ".join(f"{w.grad + 0.0:8.4f}" for w in neuron.w)
                print(f"    {formula}   |   {engine}")
            show(f"delta^({l})", deltas[l])
            show(f"engine b{l}.grad", [neuron.b.grad for neuron in layer.neurons])
            print()
        """),
        md(r"""
        Notice the rows of $\partial L / \partial W^{(1)}$ that are all zero: they
        belong to the hidden units whose ReLU is off for this input
        ($z^{(1)}_j \le 0$). Those weights get no gradient from this sample.
        """),
        *GRAPH_CELLS_3,
        md(r"""
        ## The document's numpy code gives the same numbers

        Here is the document's *Python Example*, unchanged, fed with the weights of
        our network and the forward pass written in numpy. It knows nothing about
        `Value`s or graphs. (Its `softmax`, `cross_entropy` and `x` replace ours from
        here on: they work on numpy arrays.)
        """),
        code(r"""
        import numpy as np

        def relu(x):
            return np.maximum(0, x)
        def relu_derivative(x):
            return (x > 0).astype(float)
        def softmax(x):
            e_x = np.exp(x - np.max(x))
            return e_x / np.sum(e_x)

        def cross_entropy(y_pred, y_true):
            return -np.sum(y_true * np.log(y_pred + 1e-8))

        # Forward pass, with our network's numbers
        W1, b1 = np.array(W(1)), np.array(b(1))
        W2, b2 = np.array(W(2)), np.array(b(2))
        x, y_true = np.array(x), np.array(t)
        h1 = relu(W1 @ x + b1)
        y = softmax(W2 @ h1 + b2)

        # Backward pass
        # Output layer error

        delta2 = y - y_true  # for softmax + cross-entropy
        # Gradients for W2, b2

        dW2 = np.outer(delta2, h1)
        db2 = delta2
        # Hidden layer error

        delta1 = (W2.T @ delta2) * relu_derivative(W1 @ x + b1)
        # Gradients for W1, b1

        dW1 = np.outer(delta1, x)
        db1 = delta1
        """),
        code(r"""
        engine_dW1 = np.array([[w.grad for w in n.w] for n in mlp.layers[0].neurons])
        engine_dW2 = np.array([[w.grad for w in n.w] for n in mlp.layers[1].neurons])
        print("the document's dW1:\n", dW1.round(4) + 0.0)
        print("the engine's W1 grads:\n", engine_dW1.round(4) + 0.0)
        print("the document's dW2:\n", dW2.round(4) + 0.0)
        print("the engine's W2 grads:\n", engine_dW2.round(4) + 0.0)
        print("largest difference:", max(abs(dW1 - engine_dW1).max(), abs(dW2 - engine_dW2).max()))
        """),
        *REPORT_CELLS_3,
        md(r"""
        ## Checking this notebook's numbers

        The engine's gradients must match the document's numpy code, and central
        differences of the loss written in numpy (which involve no derivative rule at
        all). No $z^{(1)}$ is close to the ReLU's kink at 0, so finite differences are
        accurate here.
        """),
        code(r"""
        engine = {
            "dW1": engine_dW1, "dW2": engine_dW2,
            "db1": np.array([n.b.grad for n in mlp.layers[0].neurons]),
            "db2": np.array([n.b.grad for n in mlp.layers[1].neurons]),
            "delta1": np.array([z.grad for z in z1]), "delta2": np.array([z.grad for z in z2]),
        }
        numpy_code = {"dW1": dW1, "dW2": dW2, "db1": db1, "db2": db2,
                      "delta1": delta1, "delta2": delta2}
        for name in engine:
            assert np.allclose(engine[name], numpy_code[name], rtol=1e-9, atol=1e-12), name
        assert np.isclose(loss.data, cross_entropy(y, y_true), atol=1e-7)
        assert abs(W1 @ x + b1).min() > 0.05   # no ReLU at its kink
        assert report.ok and report.B == 1
        assert 0 < relu_derivative(W1 @ x + b1).sum() < 4   # some units on, some off


        def numpy_loss(W1, b1, W2, b2):
            z2 = W2 @ np.maximum(0, W1 @ x + b1) + b2
            return -(y_true * (z2 - np.log(np.exp(z2).sum()))).sum()


        params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        eps = 1e-6
        for name, p in mlp.named_parameters():
            key, index = name[:2], tuple(int(k) for k in name[3:-1].split(","))
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[key][index] += eps
            down[key][index] -= eps
            numeric = (numpy_loss(**up) - numpy_loss(**down)) / (2 * eps)
            assert math.isclose(p.grad, numeric, rel_tol=1e-5, abs_tol=1e-8), (name, p.grad, numeric)
        print("all checks passed")
        """),
    ]


# --- 4. minibatches --------------------------------------------------------------

def minibatches():
    return [
        md(r"""
        # 4. Minibatches: the 1/B average, and why leaf gradients add up

        A network is trained on **minibatches** of $B$ samples. The loss of a
        minibatch is the average of the samples' losses,

        $$L = \frac{1}{B} \sum_{i=1}^{B} L_i ,$$

        and the document gives its gradients (*Matrix Formulation*):

        $$\frac{\partial L}{\partial W^{(l)}} = \frac{1}{B} \sum_{i=1}^{B} \delta_i^{(l)} \big(h_i^{(l-1)}\big)^T,
          \qquad
          \frac{\partial L}{\partial b^{(l)}} = \frac{1}{B} \sum_{i=1}^{B} \delta_i^{(l)} .$$

        This notebook computes the same gradient in three ways and shows why they
        agree:

        1. one graph for the whole minibatch, one `backward()`;
        2. one sample at a time, letting the parameters' `.grad` **accumulate**
           (gradient accumulation);
        3. the document's formula, from each sample's error signals $\delta_i$.
        """),
        code(r"""
        import math

        from micrograd_bp import MLP, topological_order
        from micrograd_bp.losses import batch_mean, cross_entropy

        # A 2-layer MLP (2 inputs, 3 tanh hidden units, 2 output logits), seeded.
        mlp = MLP(2, [3, 2], activation="tanh", seed=0)

        # A minibatch of B = 4 samples: inputs x_i and class labels t_i.
        X = [[0.5, -1.0], [1.5, 0.3], [-0.7, 0.8], [0.1, 0.1]]
        T = [0, 1, 1, 0]
        B = len(X)
        mlp
        """),
        md(r"""
        ## Way 1: one graph for the whole minibatch

        `batch_mean` builds $\frac{1}{B}\sum_i L_i$ as nodes of the graph: a sum node
        and a multiplication by the constant $1/B$. One `backward()` through it fills
        every parameter's `.grad`.
        """),
        code(r"""
        mlp.zero_grad()
        losses = [cross_entropy(mlp(x), t) for x, t in zip(X, T)]
        loss = batch_mean(losses)
        loss.backward()

        grad_batch = {name: p.grad for name, p in mlp.named_parameters()}
        print(f"L = {loss.data:.6f}   (the sample losses: {[round(Li.data, 4) for Li in losses]})")
        print(f"the graph has {len(topological_order(loss))} nodes")
        """),
        md(r"""
        ## Way 2: gradient accumulation, one sample at a time

        Every parameter is a **leaf** of the graph, and `backward()` never resets a
        leaf's `.grad`: it *adds* to it. So we can backpropagate each sample's
        share $\frac{1}{B} L_i$ on its own, one after the other, and the parameters
        collect the sum. Only one sample's graph exists at any time, which is how
        large batches fit in little memory.
        """),
        code(r"""
        mlp.zero_grad()                    # start from 0: the grads will add up from here
        for x, t in zip(X, T):
            share = cross_entropy(mlp(x), t) * (1 / B)
            share.backward()               # adds d(share)/dp to every parameter's grad
        grad_accumulated = {name: p.grad for name, p in mlp.named_parameters()}
        print(f"one sample's graph has {len(topological_order(share))} nodes")

        print(f"{'parameter':>10}  {'one graph':>11}  {'accumulated':>11}")
        for name in grad_batch:
            print(f"{name:>10}  {grad_batch[name]:11.7f}  {grad_accumulated[name]:11.7f}")
        """),
        md(r"""
        ### Why the two agree

        In the batch graph, each parameter is used by all $B$ samples' sub-graphs.
        The multivariable chain rule sums over every path from $L$ down to the
        parameter, so its gradient is a sum with one term per sample:

        $$\frac{\partial L}{\partial W} = \sum_{i=1}^{B}
          \underbrace{\frac{\partial L}{\partial L_i}}_{=\,1/B} \frac{\partial L_i}{\partial W}.$$

        Accumulation computes the same terms, one `backward()` per term, and lets the
        `+=` on the leaf do the sum. Same numbers, different bookkeeping.

        The factor $1/B$ is the local derivative of the averaging node: every
        sample's gradient passes through it once.
        """),
        md(r"""
        ## Way 3: the document's formula, from the δ's

        `mlp.trace(x)` runs the forward pass and keeps the pre-activations
        $z^{(l)}$ and activations $h^{(l)}$ of every layer. After a sample's
        `backward()`, the grad of a $z$ node is that sample's error signal
        $\delta_i^{(l)} = \partial L_i / \partial z^{(l)}$. Then we apply the
        formula literally: average $\delta_i^{(l)} (h_i^{(l-1)})^T$ over the batch.
        """),
        code(r"""
        L_layers = len(mlp.layers)
        sizes = [mlp.nin] + [len(layer.neurons) for layer in mlp.layers]
        # dW[l][j][i] and db[l][j] for l = 1..L (index 0 unused, as in the document)
        dW = [None] + [[[0.0] * sizes[l - 1] for _ in range(sizes[l])] for l in range(1, L_layers + 1)]
        db = [None] + [[0.0] * sizes[l] for l in range(1, L_layers + 1)]

        for x, t in zip(X, T):
            trace = mlp.trace(x)
            cross_entropy(trace.h[L_layers], t).backward()
            for l in range(1, L_layers + 1):
                delta = [z.grad for z in trace.z[l]]          # delta_i^(l)
                h_prev = [h.data for h in trace.h[l - 1]]     # h_i^(l-1)
                for j in range(sizes[l]):
                    db[l][j] += delta[j] / B
                    for i in range(sizes[l - 1]):
                        dW[l][j][i] += delta[j] * h_prev[i] / B

        for l in range(1, L_layers + 1):
            print(f"dL/dW{l} (formula):  ", [[round(v, 7) for v in row] for row in dW[l]])
            print(f"dL/dW{l} (one graph):",
                  [[round(grad_batch[f"W{l}[{j},{i}]"], 7) for i in range(sizes[l - 1])]
                   for j in range(sizes[l])])
        """),
        md(r"""
        `micrograd_bp.backprop.check_backprop` does Way 3 with numpy for a whole
        minibatch: it evaluates each of the document's equations from the forward
        values alone and compares them with the engine's `backward()` on the batch
        mean. (It zeroes the grads first, and leaves them holding the batch's
        gradient.)
        """),
        code(r"""
        from micrograd_bp.backprop import check_backprop

        report = check_backprop(mlp, X, T)
        print(report.table())
        print(report.verdict())
        """),
        md(r"""
        ## Two mistakes that are easy to make

        **Forgetting `zero_grad()`.** The grads of the previous step are still in the
        leaves, and the new ones are added on top. Run the accumulation loop twice
        without zeroing and every gradient doubles:
        """),
        code(r"""
        mlp.zero_grad()
        for _ in range(2):                 # two "steps", no zero_grad() in between
            for x, t in zip(X, T):
                (cross_entropy(mlp(x), t) * (1 / B)).backward()
        W = mlp.layers[0].neurons[0].w[0]
        doubled = W.grad
        print(f"{W.label}.grad = {W.grad:.7f}, which is 2 x {grad_batch[W.label]:.7f}")
        """),
        md(r"""
        **Forgetting the $1/B$.** Summing instead of averaging makes every gradient
        $B$ times larger, so the right learning rate would depend on the batch size:
        """),
        code(r"""
        mlp.zero_grad()
        for x, t in zip(X, T):
            cross_entropy(mlp(x), t).backward()    # no 1/B
        print(f"{W.label}.grad = {W.grad:.7f}, which is B = {B} x {grad_batch[W.label]:.7f}")
        """),
        md(r"""
        ## Checking this notebook's numbers

        The same network written with numpy, using the closed-form gradients of
        softmax + cross-entropy and tanh (no chain rule engine), and central
        differences of the numpy loss. The engine's gradients must match both.
        """),
        code(r"""
        import numpy as np


        def weights(layer):
            W = np.array([[w.data for w in neuron.w] for neuron in layer.neurons])
            b = np.array([neuron.b.data for neuron in layer.neurons])
            return W, b

        W1, b1 = weights(mlp.layers[0])
        W2, b2 = weights(mlp.layers[1])
        Xa, Ta = np.array(X), np.eye(2)[T]          # inputs, one-hot targets


        def numpy_loss(W1, b1, W2, b2):
            z1 = Xa @ W1.T + b1
            z2 = np.tanh(z1) @ W2.T + b2
            log_h = z2 - np.log(np.exp(z2).sum(axis=1, keepdims=True))
            return -(Ta * log_h).sum(axis=1).mean()


        # closed form: delta2 = softmax(z2) - t, delta1 = (W2^T delta2) * (1 - tanh(z1)^2)
        z1 = Xa @ W1.T + b1
        h1 = np.tanh(z1)
        z2 = h1 @ W2.T + b2
        h2 = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)
        delta2 = h2 - Ta
        delta1 = (delta2 @ W2) * (1 - h1 ** 2)
        expected = {
            1: (delta1.T @ Xa / B, delta1.mean(axis=0)),
            2: (delta2.T @ h1 / B, delta2.mean(axis=0)),
        }

        assert math.isclose(loss.data, numpy_loss(W1, b1, W2, b2), rel_tol=1e-12)
        params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
        for l in (1, 2):
            dW_expected, db_expected = expected[l]
            for j in range(sizes[l]):
                engine_db = [grad_batch[f"b{l}[{j}]"], grad_accumulated[f"b{l}[{j}]"], db[l][j]]
                assert np.allclose(engine_db, db_expected[j], rtol=1e-9, atol=1e-12)
                for i in range(sizes[l - 1]):
                    engine_dW = [grad_batch[f"W{l}[{j},{i}]"], grad_accumulated[f"W{l}[{j},{i}]"], dW[l][j][i]]
                    assert np.allclose(engine_dW, dW_expected[j, i], rtol=1e-9, atol=1e-12)

        # central differences of the numpy loss, for every parameter
        eps = 1e-6
        for name, grad in grad_batch.items():
            key, index = name[:2], tuple(int(k) for k in name[3:-1].split(","))
            up = {k: v.copy() for k, v in params.items()}
            down = {k: v.copy() for k, v in params.items()}
            up[key][index] += eps
            down[key][index] -= eps
            numeric = (numpy_loss(**up) - numpy_loss(**down)) / (2 * eps)
            assert math.isclose(grad, numeric, rel_tol=1e-5, abs_tol=1e-8), (name, grad, numeric)

        assert report.ok and report.B == B

        # the two mistakes: a doubled and a B-times gradient
        assert math.isclose(doubled, 2 * grad_batch[W.label], rel_tol=1e-12)
        assert math.isclose(W.grad, B * grad_batch[W.label], rel_tol=1e-12)
        print("all checks passed")
        """),
    ]


# --- 5. symbolic -------------------------------------------------------------------

def symbolic():
    return [
        md(r"""
        # 5. The chain rule over symbols: the engine derives the document's δ's

        `backward()` knows one **local derivative rule** per operation, in a table
        (`micrograd_bp.rules`), and applies `child.grad += local * node.grad` once
        per edge. Each rule is written with plain arithmetic and a small maths
        namespace `m` (for `cos`, `log`, the step function of ReLU). During
        `backward()`, `m` works on floats and the rules produce numbers.

        Hand the *same* rules sympy's functions, and feed them symbols instead of
        numbers, and they produce **formulas**. In this notebook the engine's rules,
        unchanged, derive the document's equations:

        * Step 2: $\delta^{(L)} = h - t$ for softmax with cross-entropy,
        * Step 3: $\delta^{(l)} = (W^{(l+1)})^T \delta^{(l+1)} \odot \sigma'(z^{(l)})$,
        * Step 4: $\partial L/\partial W^{(l)} = \delta^{(l)} (h^{(l-1)})^T$, $\;\partial L/\partial b^{(l)} = \delta^{(l)}$.

        This needs sympy (`pip install 'micrograd_bp[symbolic]'`).
        """),
        code(r"""
        import inspect

        import sympy as sp

        from micrograd_bp import Value, rules
        from micrograd_bp.symbolic import (
            derive_hidden_delta,
            derive_output_delta,
            derive_softmax_cross_entropy,
            derive_weight_gradient,
            mirror,
        )

        print(inspect.getsource(rules.mul))
        print(inspect.getsource(rules.tanh))
        print(inspect.getsource(rules.relu))
        """),
        md(r"""
        ## Notebook 1's expression, over symbols

        Build $L = (a b + c) f$ with the engine, as in notebook 1. `mirror` makes a
        twin of its graph in which the leaves are sympy symbols, and
        `graph.backward({L: 1})` runs `backward()`'s walk with the rules table over
        those symbols: seeded with $\partial L/\partial L = 1$, every twin ends with a
        formula for its grad.
        """),
        code(r"""
        a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
        L = (a * b + c) * f

        symbols = {name: sp.Symbol(name, real=True) for name in "abcf"}
        graph = mirror([L], symbols)
        graph.backward({L: 1})

        for leaf in (a, b, c, f):
            formula = graph.node(leaf).grad
            at_our_numbers = formula.subs({symbols[k]: v for k, v in zip("abcf", (2, -3, 10, -2))})
            print(f"dL/d{leaf.label} = {formula}   which at a=2, b=-3, c=10, f=-2 is {at_our_numbers}")
        """),
        md(r"""
        These are the derivatives you worked out by hand in notebook 1
        ($\partial L/\partial a = b f = 6$, ...), now produced by the engine's own
        rules.

        ## A tanh neuron

        For $h = \tanh(w_1 x_1 + w_2 x_2 + b)$ the tanh rule says
        $\partial h/\partial z = 1 - h^2$. Over symbols it gives the familiar formula,
        and sympy's *own* differentiation (which knows nothing of our rules) agrees:
        """),
        code(r"""
        x1, x2, w1, w2, bias = (Value(0.0, label=name) for name in ("x1", "x2", "w1", "w2", "b"))
        h = (w1 * x1 + w2 * x2 + bias).tanh()

        s = {name: sp.Symbol(name, real=True) for name in ("x1", "x2", "w1", "w2", "b")}
        graph = mirror([h], s)
        graph.backward({h: 1})

        rules_dh_dw1 = graph.node(w1).grad
        sympy_dh_dw1 = sp.diff(sp.tanh(s["w1"] * s["x1"] + s["w2"] * s["x2"] + s["b"]), s["w1"])
        print("the rules:     dh/dw1 =", rules_dh_dw1)
        print("sympy.diff:    dh/dw1 =", sympy_dh_dw1)
        print("difference simplifies to", sp.simplify(rules_dh_dw1 - sympy_dh_dw1))
        """),
        md(r"""
        ## Step 2: $\delta^{(L)} = h - t$ for softmax with cross-entropy

        `derive_softmax_cross_entropy(K)` builds $L = -\sum_k t_k \log h_k$ with
        $h = \operatorname{softmax}(z)$ from the engine's own operations
        (`losses.softmax`: exponentials, a sum, divisions, logs) for $K$ symbolic
        logits $z_k$, and runs the rules over it. What the rules produce looks
        nothing like $h_k - t_k$: it is the raw chain rule, one factor per node. But
        once $h_k = e^{z_k} / \sum_j e^{z_j}$ is put in and the targets sum to 1
        (a one-hot $t$ does), sympy simplifies the difference to 0:
        """),
        code(r"""
        step2 = derive_softmax_cross_entropy(K=3)
        step2
        """),
        md(r"""
        The condition $\sum_k t_k = 1$ matters: without it, the derivative is
        $h_k \sum_j t_j - t_k$. Cross-entropy against a probability vector is what
        makes the clean $h - t$.

        The document's *general* Step 2 is
        $\delta^{(L)} = \frac{\partial L}{\partial h^{(L)}} \odot \sigma'(z^{(L)})$.
        `derive_output_delta` checks it for the squared error
        $L = \frac{1}{n}\sum_k (h_k - t_k)^2$ with sigmoid outputs, where the rules'
        $h(1 - h)$ is $\sigma'(z)$:
        """),
        code(r"""
        step2_general = derive_output_delta("sigmoid")
        step2_general
        """),
        md(r"""

        ## Step 3: the hidden layer's δ

        `derive_hidden_delta(activation)` builds two layers with the engine: layer 1
        with the activation $\sigma$, layer 2 linear. Whatever comes after layer 2
        (the loss, more layers) is summed up by its error signals: the walk is
        seeded with $\partial L/\partial z^{(2)}_k = \delta^{(2)}_k$, symbols, and
        the rules carry them down to $z^{(1)}$. For ReLU the rules' derivative is a
        step function; for tanh it is $1 - h^2$; sympy checks each against
        $\sum_k W^{(2)}_{kj}\, \delta^{(2)}_k\, \sigma'(z^{(1)}_j)$ with its own
        $\sigma'$:
        """),
        code(r"""
        step3_relu = derive_hidden_delta("relu")
        step3_relu
        """),
        code(r"""
        step3_tanh = derive_hidden_delta("tanh")
        step3_tanh
        """),
        md(r"""
        The sum over $k$ is the transpose in $(W^{(2)})^T \delta^{(2)}$: unit $j$ of
        layer 1 feeds every unit $k$ of layer 2 through the weight $W^{(2)}_{kj}$,
        and the chain rule adds one term per path.

        ## Step 4: the gradients of the weights and biases

        Finally, with $\delta^{(l)}_j$ standing for whatever the rules left in the
        node $z^{(l)}_j$, every weight's grad is $\delta^{(l)}_j h^{(l-1)}_i$ and every
        bias's grad is $\delta^{(l)}_j$, in both layers:
        """),
        code(r"""
        step4 = derive_weight_gradient("tanh")
        step4
        """),
        md(r"""
        ## Checking this notebook's numbers

        Every derivation must hold, and the rules' formulas must agree with
        sympy's own differentiation of the same functions written directly in
        sympy, which uses none of the engine's rules. The symbolic derivatives at
        notebook 1's numbers must be the numbers `backward()` gives.
        """),
        code(r"""
        assert step2.holds and step2_general.holds and step3_relu.holds and step3_tanh.holds and step4.holds
        assert derive_hidden_delta("sigmoid").holds and derive_weight_gradient("relu").holds

        # Step 2 with sympy.diff: L = -sum_k t_k log softmax(z)_k, one-hot-like t (sum 1)
        K = 3
        z = sp.symbols("z0:3", real=True)
        t = sp.symbols("t0:3", real=True)
        softmax = [sp.exp(zk) / sum(sp.exp(zj) for zj in z) for zk in z]
        L_sym = -sum(tk * sp.log(hk) for tk, hk in zip(t, softmax))
        for k in range(K):
            difference = sp.diff(L_sym, z[k]) - (softmax[k] - t[k])
            assert sp.simplify(difference.subs(t[2], 1 - t[0] - t[1])) == 0
            # and without sum_k t_k = 1 it is h_k sum_j t_j - t_k, as said above
            assert sp.simplify(sp.diff(L_sym, z[k]) - (softmax[k] * sum(t) - t[k])) == 0

        # the rules' dL/dz_k (before any substitution) equals sympy.diff's
        for k, line in enumerate(step2.lines):
            rules_grad = line.engine.subs({sp.Symbol(f"z_{{{j}}}", real=True): z[j] for j in range(K)})
            rules_grad = rules_grad.subs({sp.Symbol(f"t_{{{j}}}", real=True): t[j] for j in range(K)})
            assert sp.simplify(rules_grad - sp.diff(L_sym, z[k])) == 0, k

        # the tanh neuron: every parameter, rules vs sympy.diff
        graph = mirror([h], s)
        graph.backward({h: 1})
        h_sym = sp.tanh(s["w1"] * s["x1"] + s["w2"] * s["x2"] + s["b"])
        for leaf in (x1, x2, w1, w2, bias):
            assert sp.simplify(graph.node(leaf).grad - sp.diff(h_sym, s[leaf.label])) == 0, leaf.label

        # notebook 1's numbers: the formulas, evaluated, equal backward()'s grads
        graph = mirror([L], symbols)
        graph.backward({L: 1})
        L.backward()
        at = {symbols["a"]: 2, symbols["b"]: -3, symbols["c"]: 10, symbols["f"]: -2}
        for leaf in (a, b, c, f):
            assert float(graph.node(leaf).grad.subs(at)) == leaf.grad, leaf.label
        assert (a.grad, b.grad, c.grad, f.grad) == (6.0, -4.0, -2.0, 4.0)   # b f, a f, f, a b + c
        print("all checks passed")
        """),
    ]


# --- 6. training ------------------------------------------------------------------

def training():
    return [
        md(r"""
        # 6. Training: moons, a 3-class spiral, and what the δ's do

        Training repeats the four steps of the earlier notebooks, over and over:

        1. **forward**: run a minibatch of $B$ samples through the network;
        2. **loss**: average the samples' losses, $L = \frac{1}{B}\sum_i L_i$ (notebook 4);
        3. **backward**: `L.backward()` fills every parameter's grad (notebooks 1 to 3);
        4. **step**: move each parameter a little against its gradient,
           $p \leftarrow p - \eta\, \partial L/\partial p$, then zero the grads.

        `micrograd_bp.train.fit` is that loop, with a progress bar. We train on two
        small 2-D datasets, look at the loss curves and the decision boundaries, and
        then look at the error signals $\delta$ before and after training.
        Everything is seeded, so every run gives the same numbers.

        (The progress bar is a Jupyter widget: it fills up live while you run the
        notebook. A static copy of the notebook, as on a code-hosting site, shows only
        its first frame; the line under it sums up the training.)
        """),
        code(r"""
        import math

        from micrograd_bp import MLP
        from micrograd_bp.datasets import moons, spiral
        from micrograd_bp.losses import cross_entropy
        from micrograd_bp.optim import SGD, Adam
        from micrograd_bp.plots import plot_decision_boundary, plot_history
        from micrograd_bp.train import accuracy, fit
        """),
        md(r"""
        ## Two moons

        100 points in two interleaved half-moons: no straight line separates them.
        The network is micrograd's demo network: 2 inputs, two hidden layers of 16
        ReLU units, and one output, a **score** whose sign is the class. Its loss is
        micrograd's max-margin (hinge) loss $\max(0, 1 - y \cdot \text{score})$ with
        labels $y = \pm 1$, plus a small L2 penalty $\alpha \sum_p p^2$. Each epoch is
        one step on the full batch ($B = 100$), with plain gradient descent.
        """),
        code(r"""
        X, y = moons(n=100, noise=0.1, seed=0)
        moons_model = MLP(2, [16, 16, 1], activation="relu", seed=1)
        moons_history = fit(moons_model, X, y, loss="hinge",
                            optimizer=SGD(moons_model.parameters(), lr=0.2),
                            epochs=40, alpha=1e-4, seed=0)
        moons_history
        """),
        md(r"""
        The loss per epoch (on a log scale) and the training accuracy:
        """),
        code(r"""
        plot_history(moons_history, title="two moons, MLP(2, [16, 16, 1]), hinge loss, SGD")
        """),
        md(r"""
        The decision boundary: the class the trained network predicts at every point
        of the plane, with the data on top.
        """),
        code(r"""
        plot_decision_boundary(moons_model, X, y, title="two moons after 40 epochs")
        """),
        md(r"""
        ## A 3-class spiral

        Three interleaved spiral arms, 50 points each. Now the network has three
        outputs, the logits $z^{(L)}$, and the loss is softmax with cross-entropy,
        the document's case, where the output error is $\delta^{(L)} = h^{(L)} - t$.
        We train on minibatches of $B = 30$ with the Adam optimizer, 40 epochs.

        Before training, we keep a copy of the untrained network's δ's (below).
        """),
        code(r"""
        X, y = spiral(n=150, classes=3, noise=0.2, seed=0)
        spiral_model = MLP(2, [16, 16, 3], activation="relu", seed=1)


        def deltas(model, X, y):
            '''Every sample's error signals: deltas(...)[l][i] is delta_i^(l), one per unit.

            For each sample on its own: trace the forward pass, backpropagate its
            cross-entropy, and read the grads of the z nodes.
            '''
            found = {l: [] for l in range(1, len(model.layers) + 1)}
            for x, t in zip(X, y):
                trace = model.trace(x)
                cross_entropy(trace.z[-1], t).backward()
                for l in found:
                    found[l].append([z.grad for z in trace.z[l]])
            model.zero_grad()   # those backward() calls also filled the parameters' grads
            return found


        deltas_before = deltas(spiral_model, X, y)
        accuracy_before = accuracy(spiral_model, X, y)

        spiral_history = fit(spiral_model, X, y, loss="cross_entropy",
                             optimizer=Adam(spiral_model.parameters(), lr=0.03),
                             epochs=40, batch_size=30, seed=0)
        spiral_history
        """),
        code(r"""
        plot_history(spiral_history, title="spiral, MLP(2, [16, 16, 3]), cross-entropy, Adam")
        """),
        code(r"""
        plot_decision_boundary(spiral_model, X, y, title="3-class spiral after 40 epochs")
        """),
        md(r"""
        ## The δ's before and after training

        For softmax with cross-entropy, a sample's output error is
        $\delta^{(L)} = h^{(L)} - t$: the predicted probabilities minus the one-hot
        target. Its entry for the true class is $p_{\text{true}} - 1$, and the other
        entries are the probabilities given to wrong classes.

        **Before training**, the probabilities the network gives have nothing to do
        with the classes: on average the true class gets about $\frac{1}{3}$, so a
        typical sample's true-class entry $p_{\text{true}} - 1$ is around
        $-\frac{2}{3}$. Almost every point has a large $\delta^{(L)}$, and every
        point pushes on the weights.

        **After training**, a point the network gets right with confidence has
        $h^{(L)} \approx t$, so $\delta^{(L)} \approx 0$: it no longer contributes
        to the gradient (Step 4: $\partial L/\partial W = \delta\, h^T$). Only the
        hard points, near the boundaries, still push. The hidden layers' δ's are
        built from $\delta^{(L)}$ (Step 3), so they shrink too.
        """),
        code(r"""
        deltas_after = deltas(spiral_model, X, y)


        def mean_abs(rows):
            values = [abs(d) for row in rows for d in row]
            return sum(values) / len(values)


        def mean_true_class_probability(output_deltas, y):
            "The mean of p_true = delta^(L)[true class] + 1 over the samples."
            return sum(row[t] + 1 for row, t in zip(output_deltas, y)) / len(y)


        L_out = len(spiral_model.layers)
        print(f"accuracy: {accuracy_before:.0%} before, {accuracy(spiral_model, X, y):.0%} after")
        print(f"mean probability of the true class: "
              f"{mean_true_class_probability(deltas_before[L_out], y):.2f} before, "
              f"{mean_true_class_probability(deltas_after[L_out], y):.2f} after\n")
        print(f"{'layer l':>8}  {'mean |delta| before':>20}  {'after':>8}")
        for l in deltas_before:
            print(f"{l:>8}  {mean_abs(deltas_before[l]):20.4f}  {mean_abs(deltas_after[l]):8.4f}")

        quiet = [max(abs(d) for d in row) < 0.05 for row in deltas_after[L_out]]
        print(f"\nafter training, {sum(quiet)} of {len(X)} samples have every |delta^(L)_k| < 0.05")

        print("\nfive samples: the output error delta^(L) = h - t")
        for i in range(5):
            # (round(d, 3) + 0.0 prints a tiny negative number as +0.000, not -0.000)
            before = ", ".join(f"{round(d, 3) + 0.0:+.3f}" for d in deltas_before[L_out][i])
            after = ", ".join(f"{round(d, 3) + 0.0:+.3f}" for d in deltas_after[L_out][i])
            print(f"  class {y[i]}:  before [{before}]   after [{after}]")
        """),
        md(r"""
        ## Checking this notebook's numbers

        The training loop is checked against numpy, which uses none of the engine:
        one full-batch gradient-descent step done by `fit` must move every parameter
        exactly as $p - \eta\, \partial L / \partial p$ with the gradient from the
        document's equations (Steps 1 to 4, with the $\frac{1}{B}$ average), and the
        loss `fit` records must be numpy's. The δ's printed above must be numpy's
        $\operatorname{softmax}(z^{(L)}) - t$, and the trained networks must classify
        the training points well.
        """),
        code(r"""
        import numpy as np


        def numpy_params(model):
            return [(np.array([[w.data for w in n.w] for n in layer.neurons]),
                     np.array([n.b.data for n in layer.neurons])) for layer in model.layers]


        def numpy_loss_and_gradient(params, X, y):
            '''Softmax cross-entropy of a ReLU MLP, averaged over the batch, and its
            gradient by the document's equations.'''
            X, T = np.array(X), np.eye(params[-1][0].shape[0])[y]
            hs, zs = [X], []
            for l, (W, b) in enumerate(params):
                zs.append(hs[-1] @ W.T + b)
                hs.append(np.maximum(zs[-1], 0) if l < len(params) - 1 else zs[-1])
            z = zs[-1] - zs[-1].max(axis=1, keepdims=True)
            probabilities = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            loss = -(T * np.log(probabilities)).sum(axis=1).mean()
            delta = probabilities - T                                    # Step 2
            gradient = [None] * len(params)
            for l in reversed(range(len(params))):
                W = params[l][0]
                gradient[l] = (delta.T @ hs[l] / len(X), delta.mean(axis=0))   # Step 4
                delta = (delta @ W) * (zs[l - 1] > 0) if l else None     # Step 3
            return loss, gradient, probabilities - T


        # one full-batch SGD step by fit, against p - lr * gradient from numpy
        model = MLP(2, [16, 16, 3], activation="relu", seed=1)
        start = numpy_params(model)
        expected_loss, gradient, _ = numpy_loss_and_gradient(start, X, y)
        history = fit(model, X, y, loss="cross_entropy", optimizer=SGD(model.parameters(), lr=0.5),
                      epochs=1, progress=False)
        assert math.isclose(history.loss[0], expected_loss, rel_tol=1e-9)
        for (W, b), (W0, b0), (dW, db) in zip(numpy_params(model), start, gradient):
            assert np.allclose(W, W0 - 0.5 * dW, rtol=0, atol=1e-12)
            assert np.allclose(b, b0 - 0.5 * db, rtol=0, atol=1e-12)
        assert any(abs(dW).max() > 1e-3 for dW, _ in gradient)   # the step did move

        # the output deltas after training are softmax(z) - t
        _, _, numpy_delta = numpy_loss_and_gradient(numpy_params(spiral_model), X, y)
        assert np.allclose(np.array(deltas_after[L_out]), numpy_delta, rtol=1e-9, atol=1e-12)
        assert np.allclose(np.array(deltas_before[L_out]).sum(axis=1), 0, atol=1e-12)  # sum_k (h_k - t_k) = 0

        # training worked, and it quieted the deltas
        assert accuracy(moons_model, *moons(n=100, noise=0.1, seed=0)) >= 0.9
        assert accuracy(spiral_model, X, y) >= 0.9 and accuracy_before < 0.5
        p_true = np.array([row[t] + 1 for row, t in zip(deltas_before[L_out], y)])
        assert 0.2 < p_true.mean() < 0.5 and (p_true < 0.6).mean() > 0.6   # as said above
        assert moons_history.loss[-1] < moons_history.loss[0] / 2
        assert spiral_history.loss[-1] < spiral_history.loss[0] / 5
        for l in deltas_before:
            assert mean_abs(deltas_after[l]) < mean_abs(deltas_before[l]) / 2, l
        print("all checks passed")
        """),
    ]


# name of the notebook file -> the function that returns its cells, in reading order
NOTEBOOKS = {
    "01_chain_rule.ipynb": chain_rule,
    "02_neuron_step_by_step.ipynb": neuron_steps,
    "03_mlp_step_by_step.ipynb": mlp_steps,
    "04_minibatches.ipynb": minibatches,
    "05_symbolic_deltas.ipynb": symbolic,
    "06_training.ipynb": training,
}


# --- building and running -----------------------------------------------------------

def make_notebook(cells):
    """An nbformat notebook (no outputs yet) from a list of (kind, source) cells."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    make = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source) for kind, source in cells]
    for k, cell in enumerate(nb.cells):
        cell.id = f"cell-{k:02d}"  # stable ids, so a rebuild only changes what changed
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    return nb


def build(name):
    """The notebook ``name`` as built from this file (not executed)."""
    return make_notebook(NOTEBOOKS[name]())


def kernel_manager(kernel_dir):
    """A kernel manager whose kernel is this Python (``sys.executable``).

    It writes a kernel spec into ``kernel_dir``, so neither a kernel installed for
    the user nor one of another environment can be picked up by mistake.
    """
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = Path(kernel_dir) / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "micrograd_bp (this Python)",
        "language": "python",
        "env": {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def execute(nb, kernel_dir, timeout=CELL_TIMEOUT):
    """Run every cell of ``nb`` in place, in this folder; a failing cell raises."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        km=kernel_manager(kernel_dir),
        timeout=timeout,
        record_timing=False,  # no timestamps in the saved file
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    return nb


def main(prefixes):
    import nbformat

    names = [n for n in NOTEBOOKS if not prefixes or n.startswith(tuple(prefixes))]
    if not names:
        sys.exit(f"no notebook starts with {prefixes}; the notebooks are {list(NOTEBOOKS)}")
    with tempfile.TemporaryDirectory() as kernel_dir:
        for name in names:
            print(f"building {name} ...", flush=True)
            nb = execute(build(name), kernel_dir)
            nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    main(sys.argv[1:])
