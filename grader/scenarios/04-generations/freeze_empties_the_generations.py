# After gc.freeze() a container is still tracked but in no generation that
# gc.get_objects() lists; gc.unfreeze() puts it into the oldest generation.
# Step 5 Freezing.
import gc
gc.disable()
class Node:
    pass
n = Node()
gc.freeze()
print(gc.is_tracked(n))
print(n in gc.get_objects(), n in gc.get_objects(0))
gc.unfreeze()
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.enable()
