# A dict that holds a list may be part of a cycle: even a full collection
# leaves it tracked.  Once untracked, storing a container tracks it again.
# Step 2 Collecting a generation.
import gc
gc.disable()
d = {"list": []}
gc.collect()
print(gc.is_tracked(d))
e = {}
e["n"] = 1
e["m"] = []
del e["m"]
gc.collect()
print(gc.is_tracked(e))
e["m"] = []
print(gc.is_tracked(e))
gc.enable()
