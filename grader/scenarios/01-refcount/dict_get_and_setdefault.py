# get and setdefault return a new reference to the value for the caller;
# setdefault stores the default (one more owner) only when the key is missing.
# Step 4 Ownership in dicts.
import sys
v = [1]
dflt = [0]
d = {"a": v}
got = d.get("a")
print(got is v, sys.getrefcount(v))
print(d.get("zz"), sys.getrefcount(dflt))
s = d.setdefault("a", dflt)
print(s is v, sys.getrefcount(v), sys.getrefcount(dflt))
s = d.setdefault("b", dflt)
print(s is dflt, sys.getrefcount(dflt), len(d))
del got, s
print(sys.getrefcount(v), sys.getrefcount(dflt))
