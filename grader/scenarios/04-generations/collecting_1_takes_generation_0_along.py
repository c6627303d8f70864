# gc.collect(1) collects generation 1 together with the younger generation
# 0: a cycle still in generation 0 is freed, and a survivor from generation 0
# skips generation 1 and lands in generation 2.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
class Node:
    pass
n = Node()
a = []
b = [a]
a.append(b)
del a, b
print(gc.collect(1))
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
gc.enable()
