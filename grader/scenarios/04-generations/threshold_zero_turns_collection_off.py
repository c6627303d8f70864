# A generation-0 threshold of 0 turns automatic collection off although the
# collector stays enabled: the dropped cycle waits for gc.collect().
# Step 1 Counting allocations.
import gc
gc.collect()
gc.set_threshold(0)
print(gc.get_threshold()[0], gc.isenabled())
a = []
b = [a]
a.append(b)
del a, b
keep = []
for i in range(1000):
    keep.append([])
print(gc.collect())
gc.set_threshold(700)
print(gc.get_threshold())
