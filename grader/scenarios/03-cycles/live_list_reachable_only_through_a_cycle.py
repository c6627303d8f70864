# A list hanging off a cycle survives if a name still holds it: it is
# referenced from outside, only the cycle itself is collected, and the
# survivor loses the cycle's reference.
# Step 4 move_unreachable, Step 6 delete_garbage.
import gc, sys
gc.collect()
keep = [1, 2, 3]
a = []
b = [a, keep]
a.append(b)
print(sys.getrefcount(keep))
del a, b
print(gc.collect())
print(sys.getrefcount(keep), keep)
