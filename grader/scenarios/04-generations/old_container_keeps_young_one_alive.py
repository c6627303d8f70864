# A young list referenced only by a list in generation 2 is not garbage:
# a reference from an older generation counts as a reference from outside.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
class Node:
    pass
old = []
gc.collect()
old.append(Node())
print(gc.collect(0))
print(len(old))
print(old[0] in gc.get_objects(1))
gc.enable()
