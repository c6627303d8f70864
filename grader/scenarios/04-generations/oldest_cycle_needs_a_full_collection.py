# A cycle that reached generation 2 is freed only by a full collection:
# gc.collect(0) and gc.collect(1) return 0, gc.collect(2) returns 3.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
a = []
b = [a]
c = [b]
a.append(c)
gc.collect(1)
del a, b, c
print(gc.collect(0))
print(gc.collect(1))
print(gc.collect(2))
gc.enable()
