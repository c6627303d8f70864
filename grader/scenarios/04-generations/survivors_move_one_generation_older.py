# A container that survives a collection of its generation moves one
# generation older: 0 -> 1 after gc.collect(0), 1 -> 2 after gc.collect(1),
# and the oldest generation keeps it after gc.collect().
# Step 2 Collecting a generation.
import gc
gc.disable()
class Node:
    pass
n = Node()
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.collect(0)
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.collect(1)
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.collect()
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.enable()
