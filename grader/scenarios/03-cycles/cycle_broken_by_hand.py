# Cutting one edge of a cycle before dropping the names leaves a chain that
# reference counting frees by itself: the collector finds nothing.
# Step 3 update_refs and subtract_refs (and its limit: only cycles need it).
import gc
gc.collect()
a = []
b = [a]
c = [b]
a.append(c)
c.pop()
del a, b, c
print(gc.collect())
