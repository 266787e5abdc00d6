"""The graphs the tutor builds twice, with a learner's class and with micrograd_bp's.

A graph is kept as a :class:`Program`, a list of instructions (``n3 = n1 * b``), so
that the same graph can be built with any engine: ``program.build(Value)``.  The
generators make random DAGs with reused nodes and numbers on either side, trees
(no node used twice), and a deep chain.
"""

DEEP_CHAIN = 300  # operations in the deep chain: within the reach of the lecture's
# recursive topological sort (Python stops at about 1,000 calls deep)
GRAPHS_PER_STAGE = 40  # random graphs per stage, from 2 to about 24 nodes


class Program:
    """A graph as a list of instructions, so both engines can build the same one.

    leaves : list of float       the inputs a, b, c, ...
    steps : list of (op, args)   each arg an index of an earlier node or a number (a
                                 constant); node k is leaf k, then one node per step
    """

    def __init__(self, leaves, steps, title=""):
        self.leaves = list(leaves)
        self.steps = list(steps)
        self.title = title

    def names(self):
        letters = "abcdefghijklmnopqrstuvwxyz"
        leaf_names = [letters[k] if k < 26 else f"x{k}" for k in range(len(self.leaves))]
        return leaf_names + [f"n{k + 1}" for k in range(len(self.steps))]

    def formula(self, k):
        """``n3 = n1 * b`` for node k."""
        names = self.names()
        op, args = self.steps[k - len(self.leaves)]
        shown = [names[a] if isinstance(a, int) else f"{a:g}" for a in args]
        if op in UNARY:
            return f"{names[k]} = {op}({shown[0]})" if op != "neg" else f"{names[k]} = -{shown[0]}"
        return f"{names[k]} = {f' {op} '.join(shown)}"

    def build(self, cls):
        """The nodes, built with ``cls``: [leaf a, leaf b, ..., n1, n2, ...]."""
        built = [cls(x) for x in self.leaves]
        for op, args in self.steps:
            operands = [built[a] if isinstance(a, int) else a for a in args]
            built.append(apply(op, operands))
        return built

    def size(self):
        return len(self.leaves) + len(self.steps)

    def operands_of(self, u):
        """The indices of the nodes node u is made from (its constants left out)."""
        return [a for a in self.steps[u - len(self.leaves)][1] if isinstance(a, int)]

    def reachable(self):
        """The interior nodes the root depends on, the root included."""
        seen, stack = set(), [self.size() - 1]
        while stack:
            u = stack.pop()
            if u in seen or u < len(self.leaves):
                continue
            seen.add(u)
            stack.extend(self.operands_of(u))
        return seen


UNARY = ("tanh", "exp", "relu", "neg")


def apply(op, x):
    """The operation ``op`` on operands ``x`` (nodes, or plain numbers: constants)."""
    if op == "+":
        return x[0] + x[1]
    if op == "*":
        return x[0] * x[1]
    if op == "-":
        return x[0] - x[1]
    if op == "/":
        return x[0] / x[1]
    if op == "**":
        return x[0] ** x[1]
    if op == "neg":
        return -x[0]
    return getattr(x[0], op)()  # tanh, exp, relu


def random_program(rng, ops, size, *, twice=False, constants=True):
    """A random DAG of ``size`` steps over 2 to 4 leaves: nodes are reused by later
    ones; with ``twice`` an operation may take the same node twice (a + a)."""
    leaves = [rng.choice((-1, 1)) * rng.uniform(0.5, 2.0) for _ in range(rng.randint(2, 4))]
    steps = []
    for _ in range(size):
        n = len(leaves) + len(steps)
        op = rng.choice(ops)
        recent = max(0, n - 4)
        a = rng.randrange(recent, n) if rng.random() < 0.7 else rng.randrange(n)
        if op in UNARY:
            steps.append((op, [a]))
        elif op == "**":
            steps.append((op, [rng.randrange(len(leaves)), rng.choice((2.0, 3.0, -1.0))]))
        elif op == "/":  # divide by a leaf, never near 0
            steps.append((op, [a, rng.randrange(len(leaves))]))
        else:
            b = a if twice and rng.random() < 0.3 else rng.randrange(n)
            while b == a and not twice and n > 1:
                b = rng.randrange(n)
            args = [a, b]
            if constants and rng.random() < 0.25:  # a constant, on either side
                args[rng.randrange(2)] = round(rng.uniform(-2.0, 2.0), 2)
            steps.append((op, args))
    return Program(leaves, steps, f"a random graph of {len(leaves) + size} nodes")


def deep_chain(depth):
    """n = ((a * 0.5 + b) * 0.5 + b) ...: a chain ``depth`` operations deep."""
    steps = []
    for k in range(depth // 2):
        steps.append(("*", [2 * k + 1 if k else 0, 0.5]))  # node 2k + 1: the step before
        steps.append(("+", [2 * k + 2, 1]))
    return Program([0.7, -0.3], steps, f"a chain {depth} operations deep")


def programs(rng, ops, *, twice=False, count=GRAPHS_PER_STAGE, deep=True):
    """Graphs from small to large (so the first failing one is the smallest)."""
    out = [random_program(rng, ops, 1 + k * 20 // count, twice=twice) for k in range(count)]
    return out + ([deep_chain(DEEP_CHAIN)] if deep else [])


def random_tree(rng, ops, size):
    """A random graph of ``size`` steps in which no node is used twice (a tree)."""
    leaves = [rng.choice((-1, 1)) * rng.uniform(0.5, 2.0) for _ in range(size + 1)]
    unused, steps = list(range(len(leaves))), []
    for _ in range(size):
        a = unused.pop(rng.randrange(len(unused)))
        b = unused.pop(rng.randrange(len(unused)))
        args = [a, b]
        if rng.random() < 0.25:  # a constant, on either side
            args[rng.randrange(2)] = round(rng.uniform(-2.0, 2.0), 2)
        steps.append((rng.choice(ops), args))
        unused.append(len(leaves) + len(steps) - 1)
    return Program(leaves, steps, f"a random tree of {len(leaves) + size} nodes")
