# d[k] = v on an existing key keeps the key, takes a reference to the new
# value and releases the old value.
# Step 4 Ownership in dicts.
import sys
v1 = [1]
v2 = [2]
d = {}
d["k"] = v1
print(sys.getrefcount(v1), sys.getrefcount(v2))
d["k"] = v2
print(sys.getrefcount(v1), sys.getrefcount(v2), len(d))
d["k"] = v2
print(sys.getrefcount(v2), d)
