# A tuple that holds a list could be part of a cycle: collections leave it
# tracked, and a list that holds the tuple and itself is still collected.
# Step 2 Collecting a generation.
import gc
gc.disable()
i = 7
t = (i, [])
gc.collect(0)
print(gc.is_tracked(t))
gc.collect()
print(gc.is_tracked(t))
print(gc.is_tracked(t[1]))
a = [t]
a.append(a)
del a
print(gc.collect())
gc.enable()
