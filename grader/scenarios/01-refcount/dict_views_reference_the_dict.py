# d.keys(), d.values() and d.items() are views, not copies: each view holds
# a reference to the dict and sees later changes.
# Step 4 Ownership in dicts.
import sys
d = {"a": 1}
print(sys.getrefcount(d))
k = d.keys()
v = d.values()
print(sys.getrefcount(d), len(k))
d["b"] = 2
print(len(k), list(v))
del k, v
print(sys.getrefcount(d))
