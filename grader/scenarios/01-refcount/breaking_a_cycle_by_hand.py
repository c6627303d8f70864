# Removing one edge of a cycle before dropping the names lets reference
# counting free everything: the collector then finds nothing.
# Step 5 Deallocators.
import gc, sys
gc.collect()
a = []
b = [a]
a.append(b)
a.clear()
print(sys.getrefcount(a), sys.getrefcount(b))
del a, b
print(gc.collect())
