# With threshold 50, the 200 allocations that follow run a few generation-0
# collections by themselves (fewer than eleven, so generation 1 is never
# collected): the first list survived them and sits in generation 1.
# Step 3 Thresholds and the long-lived heuristic.
import gc
gc.collect()
gc.set_threshold(50)
class Node:
    pass
first = Node()
keep = []
for i in range(200):
    keep.append([])
gc.disable()
print(first in gc.get_objects(0), first in gc.get_objects(1), first in gc.get_objects(2))
gc.enable()
gc.set_threshold(700)
