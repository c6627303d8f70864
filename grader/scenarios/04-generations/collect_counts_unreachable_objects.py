# gc.collect(generation) returns how many unreachable objects it found:
# a ring of three lists, a dict that holds itself, a list and a dict that
# hold each other, then nothing at all.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
a = []
b = [a]
c = [b]
a.append(c)
del a, b, c
print(gc.collect(0))
d = {}
d["self"] = d
del d
print(gc.collect(0))
x = []
y = {"x": x}
x.append(y)
del x, y
print(gc.collect(1))
print(gc.collect(2))
gc.enable()
