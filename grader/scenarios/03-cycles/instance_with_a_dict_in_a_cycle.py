# An instance holding a dict that holds the instance: two objects, the
# instance and the dict (the instance's own attributes are not a separate
# object in CPython 3.11).
# Step 2 Traversal, Step 6 delete_garbage.
import gc
gc.collect()
class Node:
    pass
n = Node()
n.table = {"owner": n}
print(gc.is_tracked(n.table))
del n
print(gc.collect())
