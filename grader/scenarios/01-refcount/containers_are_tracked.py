# Containers that can hold references are tracked by the collector as soon
# as they exist; ints and strings are not.  Chapter 1's types must say so.
# Step 3 Ownership in lists, Step 5 Deallocators.
import gc
class Node:
    pass
a = []
n = Node()
d = {"a": a}
print(gc.is_tracked(a), gc.is_tracked(n), gc.is_tracked(d))
print(gc.is_tracked(12345), gc.is_tracked(str(12345)))
