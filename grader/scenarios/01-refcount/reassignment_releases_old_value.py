# Rebinding a name releases the object it pointed to before (DECREF of the
# old value), and takes a reference to the new one.
# Step 1 Counting.
import sys
first = [1]
second = [2]
x = first
print(sys.getrefcount(first), sys.getrefcount(second))
x = second
print(sys.getrefcount(first), sys.getrefcount(second))
x = x
print(sys.getrefcount(second))
x = 0
print(sys.getrefcount(first), sys.getrefcount(second), x)
