# A cycle between an old list (generation 2) and a young one: the young
# collections see the old list as an outside reference and keep both; only
# the full collection frees the pair.
# Step 2 Collecting a generation.
import gc
gc.collect()
gc.disable()
old = []
gc.collect()
young = [old]
old.append(young)
del old, young
print(gc.collect(0))
print(gc.collect(1))
print(gc.collect())
gc.enable()
