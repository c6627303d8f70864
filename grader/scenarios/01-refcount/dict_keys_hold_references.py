# A dict owns its keys as well as its values.  Instances hash by identity,
# so they can be keys; each key gains one owner while it is in the dict.
# Step 4 Ownership in dicts.
import sys
class Key:
    pass
k = Key()
v = [1]
print(sys.getrefcount(k), sys.getrefcount(v))
d = {}
d[k] = v
print(sys.getrefcount(k), sys.getrefcount(v))
d[k] = v
print(sys.getrefcount(k), sys.getrefcount(v), len(d))
del d[k]
print(sys.getrefcount(k), sys.getrefcount(v), len(d))
