# One cycle through a list, a dict and an instance: every container type
# reports its references with its own tp_traverse.
# Step 2 Traversal, Step 4 move_unreachable.
import gc
gc.collect()
class Node:
    pass
n = Node()
d = {"node": n}
l = [d]
n.back = l
del n, d, l
print(gc.collect())
