# With the collector enabled, allocating more than 700 containers runs a
# generation-0 collection by itself, which frees a cycle dropped earlier:
# the gc.collect() at the end finds nothing left.
# Step 1 Counting allocations.
import gc
gc.collect()
a = []
b = [a]
a.append(b)
del a, b
keep = []
for i in range(1000):
    keep.append([])
print(gc.collect())
print(len(keep))
