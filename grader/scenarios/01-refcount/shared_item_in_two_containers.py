# One object in two containers has two owners and outlives either of them:
# it is freed only after both containers (and the name) let go.
# Step 3 Ownership in lists, Step 4 Ownership in dicts.
import sys
shared = [42]
lst = [shared]
d = {"s": shared}
print(sys.getrefcount(shared))
del lst
print(sys.getrefcount(shared))
del shared
print(sys.getrefcount(d["s"]), d)
