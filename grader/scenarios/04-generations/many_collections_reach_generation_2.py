# Small thresholds (10, 2, 10) and 2000 allocations: generation 1 is
# collected every third generation-0 collection, so an early survivor ends
# in generation 2.
# Step 3 Thresholds and the long-lived heuristic.
import gc
gc.collect()
gc.set_threshold(10, 2, 10)
class Node:
    pass
first = Node()
keep = []
for i in range(2000):
    keep.append([])
gc.disable()
print(first in gc.get_objects(0), first in gc.get_objects(1), first in gc.get_objects(2))
print(len(keep))
gc.enable()
gc.set_threshold(700, 10, 10)
