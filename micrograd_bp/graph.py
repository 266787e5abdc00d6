"""Walking the computation graph: the topological order backward() needs.

A node may only pass its gradient on once every node that *uses* it has passed
its gradient to it.  Listing the graph so that every node comes after its
children (a topological order) and walking that list backwards guarantees this.
"""


def topological_order(root):
    """Every node reachable from ``root``, children before the nodes that use them.

    ``root`` is last; nothing in the graph changes (no grad is touched).  The walk is
    an iterative depth-first search with an explicit stack, so a chain a million
    operations deep needs no recursion (a recursive walk, like micrograd's, stops at
    Python's recursion limit of about 1,000).  Children are visited in operand
    order, so the order never depends on memory addresses: the same graph always
    gives the same list.
    """
    return _walk(root, reset_interior_grads=False)


def _walk(root, reset_interior_grads):
    """topological_order(root); with ``reset_interior_grads``, also set every interior
    node's grad to 0 as it is listed (what backward() needs: the node is in the CPU
    cache then, which saves a second pass over a large graph).

    Why it is fast: instead of a set of visited nodes, each node carries a mark
    (its ``_mark`` slot, scratch space no one else reads) set to one of two tokens
    made fresh for this walk, so no hash table of a million entries is built and
    nothing is allocated per node.
    """
    opened, done = object(), object()  # this walk's marks
    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        mark = node._mark
        if mark is done:  # already listed (reached along another path)
            continue
        if mark is opened:  # second visit: all its children are listed
            node._mark = done
            if reset_interior_grads:
                node.grad = 0.0
            order.append(node)
            continue
        if not node.children:  # a leaf: nothing to wait for
            node._mark = done
            order.append(node)
            continue
        node._mark = opened
        stack.append(node)  # come back to it after its children
        for child in reversed(node.children):  # reversed: first operand popped first
            if child._mark is not done:
                stack.append(child)
    return order
