"""Walking the computation graph: the topological order backward() needs.

A node may only pass its gradient on once every node that *uses* it has passed
its gradient to it.  Listing the graph so that every node comes after its
children (a topological order) and walking that list backwards guarantees this.

This is the readable walk, for the stepper, the drawings and learners.
``backward()`` runs a tuned copy of it, ``engine._interior_order``, which lists
the same interior nodes in the same order (a test pins the two together).
"""


def topological_order(root):
    """Every node reachable from ``root``, children before the nodes that use them.

    ``root`` is last; nothing in the graph changes.  The walk is an iterative
    depth-first search with an explicit stack, so a chain a million operations deep
    needs no recursion (a recursive walk, like micrograd's, stops at Python's
    recursion limit of about 1,000).  Each node is pushed once to be opened (its
    children pushed above it) and once more to be listed when they are all listed.
    Children are visited in operand order, so the order never depends on memory
    addresses: the same graph always gives the same list.
    """
    order, listed = [], set()
    stack = [(root, False)]
    while stack:
        node, children_listed = stack.pop()
        if node in listed:  # reached along another path, already listed
            continue
        if children_listed:
            listed.add(node)
            order.append(node)
            continue
        stack.append((node, True))  # come back to it after its children
        for child in reversed(node.children):  # reversed: first operand popped first
            if child not in listed:
                stack.append((child, False))
    return order

