# A dict that once held a list stays tracked after it holds only ints again;
# gc.collect(0) and gc.collect(1) leave it, only a full collection untracks
# it (CPython untracks dicts in full collections only, issue #14775).
# Step 2 Collecting a generation.
import gc
gc.disable()
d = {}
d["a"] = []
d["a"] = 1
print(gc.is_tracked(d))
gc.collect(0)
print(gc.is_tracked(d))
gc.collect(1)
print(gc.is_tracked(d))
gc.collect()
print(gc.is_tracked(d))
gc.enable()
