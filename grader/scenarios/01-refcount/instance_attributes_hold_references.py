# An instance owns its attribute values: setting an attribute adds an owner,
# replacing or deleting it releases one, and freeing the instance releases all.
# Step 5 Deallocators.
import sys
class Box:
    pass
v = [1]
w = [2]
b = Box()
b.x = v
b.y = v
print(sys.getrefcount(v))
b.x = w
print(sys.getrefcount(v), sys.getrefcount(w))
del b.y
print(sys.getrefcount(v))
b.y = v
del b
print(sys.getrefcount(v), sys.getrefcount(w))
