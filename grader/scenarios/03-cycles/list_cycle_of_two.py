# Two lists that hold each other: once the names are gone, each still has
# one reference (from the other), so only the collector can free them.
# gc.collect() returns how many unreachable objects it found: 2.
# Step 3 update_refs and subtract_refs, Step 4 move_unreachable.
import gc, sys
gc.collect()
a = []
b = [a]
a.append(b)
print(sys.getrefcount(a), sys.getrefcount(b))
del a, b
print(gc.collect())
print(gc.collect())
