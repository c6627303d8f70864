# gc.disable() stops the automatic collections: after 1000 allocations the
# dropped cycle is still there, and only the explicit gc.collect() frees it.
# Step 1 Counting allocations.
import gc
gc.collect()
gc.disable()
print(gc.isenabled())
a = []
b = [a]
a.append(b)
del a, b
keep = []
for i in range(1000):
    keep.append([])
print(gc.collect())
print(len(keep))
gc.enable()
print(gc.isenabled())
