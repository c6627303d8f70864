# Two separate cycles, one dropped, one kept: the collector frees only the
# one nothing outside refers to.
# Step 4 move_unreachable.
import gc
gc.collect()
a = []
b = [a]
a.append(b)
c = {}
d = {"c": c}
c["d"] = d
del a, b
print(gc.collect())
print(len(c), len(d))
del c, d
print(gc.collect())
