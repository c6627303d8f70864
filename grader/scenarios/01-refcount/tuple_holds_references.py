# A tuple built at run time owns each of its items, like a list does, and
# tuple(lst) copies the list's references into the new tuple.
# Step 3 Ownership in lists (tuples are the read-only sibling).
import sys
a = [1]
b = [2]
t = (a, b, a)
print(sys.getrefcount(a), sys.getrefcount(b), len(t))
u = tuple([a, b])
print(sys.getrefcount(a), sys.getrefcount(b), u)
del t
print(sys.getrefcount(a), sys.getrefcount(b))
del u
print(sys.getrefcount(a), sys.getrefcount(b))
