# gc.disable() and gc.enable() switch the automatic collections off and on
# (they return None); gc.collect() works either way.
# Step 4 The gc module.
import gc
print(gc.isenabled())
print(gc.disable())
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
a = []
a.append(a)
del a
print(gc.collect())
print(gc.enable())
print(gc.isenabled())
