# Two instances that point at each other through attributes.  CPython 3.11
# keeps instance attributes inline (no separate dict object), so the
# collector counts the two instances only.
# Step 3 update_refs and subtract_refs, Step 6 delete_garbage.
import gc, sys
gc.collect()
class Node:
    pass
a = Node()
b = Node()
a.other = b
b.other = a
print(sys.getrefcount(a), sys.getrefcount(b))
del a, b
print(gc.collect())
