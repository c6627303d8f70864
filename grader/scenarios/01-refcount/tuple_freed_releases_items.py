# A tuple's deallocator releases its items, like a list's does.
# Step 5 Deallocators.
import sys
a = [1]
t = (a, a)
print(sys.getrefcount(a))
u = (t, a)
del t
print(sys.getrefcount(a), sys.getrefcount(u[0]))
del u
print(sys.getrefcount(a))
