# list(d.items()) builds a (key, value) tuple per entry; while the list lives
# each value has one more owner.  list(d.values()) holds them directly.
# Step 4 Ownership in dicts.
import sys
v = [1]
d = {"a": v, "b": v}
pairs = list(d.items())
print(len(pairs), sys.getrefcount(v))
vals = list(d.values())
print(vals, sys.getrefcount(v))
del pairs
print(sys.getrefcount(v))
del vals
print(sys.getrefcount(v), list(d.keys()))
