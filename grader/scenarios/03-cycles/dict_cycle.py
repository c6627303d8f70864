# Two dicts that hold each other as values: dicts take part in cycles
# through dict_traverse, which must visit keys and values.
# Step 2 Traversal, Step 6 delete_garbage (dict_tp_clear breaks the cycle).
import gc, sys
gc.collect()
d = {}
e = {"d": d}
d["e"] = e
print(gc.is_tracked(d), gc.is_tracked(e))
print(sys.getrefcount(d), sys.getrefcount(e))
del d, e
print(gc.collect())
