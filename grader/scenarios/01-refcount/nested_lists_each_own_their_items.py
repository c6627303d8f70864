# Ownership is per container: a list inside a list is one reference, and
# the inner list in turn owns its own items.
# Step 3 Ownership in lists.
import sys
leaf = [0]
inner = [leaf, leaf]
outer = [inner]
print(sys.getrefcount(leaf), sys.getrefcount(inner))
outer.append(inner)
print(sys.getrefcount(leaf), sys.getrefcount(inner))
del inner
print(sys.getrefcount(outer[0]), sys.getrefcount(leaf))
outer.clear()
print(sys.getrefcount(leaf))
