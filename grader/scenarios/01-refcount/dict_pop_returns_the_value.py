# dict.pop removes the entry: the key's reference is released and the value's
# reference passes to the caller.
# Step 4 Ownership in dicts.
import sys
class Key:
    pass
k = Key()
v = [1]
d = {k: v}
print(sys.getrefcount(k), sys.getrefcount(v))
x = d.pop(k)
print(sys.getrefcount(k), sys.getrefcount(v), x is v, len(d))
del x
print(sys.getrefcount(v))
print(d.pop(k, None))
