# A tuple can be part of a cycle if it holds a mutable container: the tuple
# holds the list, the list holds the tuple.
# Step 2 Traversal, Step 5 Untracking tuples (this tuple must stay tracked).
import gc
gc.collect()
l = []
t = (l, 1)
l.append(t)
print(gc.is_tracked(t))
gc.collect()
print(gc.is_tracked(t))
del l, t
print(gc.collect())
