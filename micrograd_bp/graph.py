"""Walking the computation graph: the topological order backward() needs.

A node may only pass its gradient on once every node that *uses* it has passed
its gradient to it.  Listing the graph so that every node comes after its
children (a topological order) and walking that list backwards guarantees this.
"""


def topological_order(root):
    """Every node reachable from ``root``, children before the nodes that use them.

    ``root`` is last.  The walk is an iterative depth-first search with an explicit
    stack, so a chain a million operations deep needs no recursion (a recursive
    walk, like micrograd's, stops at Python's recursion limit of about 1,000).
    Children are visited in operand order, so the order never depends on memory
    addresses: the same graph always gives the same list.
    """
    order = []
    visited = {root}
    # Each stack entry is (node, iterator over the children still to visit).
    stack = [(root, iter(root.children))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if child not in visited:
                visited.add(child)
                stack.append((child, iter(child.children)))
                break
        else:  # every child is listed: the node itself can follow them
            stack.pop()
            order.append(node)
    return order
