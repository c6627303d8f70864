# update copies another dict's entries: each copied value gains an owner,
# and values it overwrites are released.
# Step 4 Ownership in dicts.
import sys
a = [1]
b = [2]
c = [3]
d = {"x": a, "y": b}
e = {"y": c, "z": c}
d.update(e)
print(sys.getrefcount(a), sys.getrefcount(b), sys.getrefcount(c))
print(d)
del e
print(sys.getrefcount(c))
