# clear() releases every key and every value; the dict stays, empty.
# Step 4 Ownership in dicts.
import sys
class Key:
    pass
k = Key()
v = [1]
d = {k: v, "other": v}
print(sys.getrefcount(k), sys.getrefcount(v))
d.clear()
print(sys.getrefcount(k), sys.getrefcount(v), d, len(d))
