# A cycle promoted to generation 1 before it was dropped is out of reach of
# gc.collect(0); gc.collect(1) finds it.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
a = []
b = [a]
a.append(b)
print(gc.collect(0))
del a, b
print(gc.collect(0))
print(gc.collect(1))
gc.enable()
