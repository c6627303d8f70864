# A dict's deallocator releases every key and every value it owned.
# Step 5 Deallocators.
import sys
class Key:
    pass
k = Key()
v = [1]
d = {k: v, "v": v}
e = {"inner": d}
print(sys.getrefcount(k), sys.getrefcount(v), sys.getrefcount(d))
del d
print(sys.getrefcount(k), sys.getrefcount(v))
del e
print(sys.getrefcount(k), sys.getrefcount(v))
