# A list, a dict and an instance that each contain themselves are never freed
# by their counts; only gc.collect() reclaims them.
# Step 5 Deallocators (their limit).
import gc, sys
gc.collect()
class Node:
    pass
a = []
a.append(a)
d = {}
d["me"] = d
n = Node()
n.me = n
print(sys.getrefcount(a), sys.getrefcount(d), sys.getrefcount(n))
print(a, d)
del a
print(gc.collect())
del d, n
print(gc.collect())
