# Freezing affects only what exists at the time: a cycle made after
# gc.freeze() is collected as usual, the frozen one is not.
# Step 5 Freezing.
import gc
gc.collect()
gc.disable()
a = []
a.append(a)
gc.freeze()
del a
b = []
c = [b]
b.append(c)
del b, c
print(gc.collect())
gc.unfreeze()
print(gc.collect())
gc.enable()
