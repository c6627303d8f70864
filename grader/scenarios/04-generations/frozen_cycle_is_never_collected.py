# gc.freeze() moves every tracked object into the permanent generation,
# which no collection looks at: a frozen cycle survives gc.collect() until
# gc.unfreeze() gives it back to generation 2.
# Step 5 Freezing.
import gc
gc.collect()
gc.disable()
a = []
b = [a]
a.append(b)
gc.freeze()
del a, b
print(gc.collect())
gc.unfreeze()
print(gc.get_freeze_count() == 0)
print(gc.collect())
gc.enable()
