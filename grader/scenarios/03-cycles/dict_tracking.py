# Dicts start untracked and become tracked only once they hold something
# that could be part of a cycle: {} and a dict of ints are never tracked,
# a dict holding a list is.
# Step 1 Tracking.
import gc
gc.collect()
print(gc.is_tracked({}))
d = {"a": 1, "b": "text"}
print(gc.is_tracked(d))
d["c"] = []
print(gc.is_tracked(d))
e = {}
e["x"] = 5
print(gc.is_tracked(e))
