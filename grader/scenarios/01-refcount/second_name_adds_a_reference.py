# Binding a second name to an object adds an owner; deleting it removes one.
# Names are owners just as container slots are.
# Step 1 Counting.
import sys
a = {}
print(sys.getrefcount(a))
b = a
print(sys.getrefcount(a))
c = b
print(sys.getrefcount(a), a is c)
del b
print(sys.getrefcount(a))
del c
print(sys.getrefcount(a))
