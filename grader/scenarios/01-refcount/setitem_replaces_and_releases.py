# lst[i] = y takes a reference to y and releases the old item, in that order
# (store the new pointer first, then DECREF the old one).
# Step 3 Ownership in lists.
import sys
old = [1]
new = [2]
lst = [old, old]
print(sys.getrefcount(old), sys.getrefcount(new))
lst[0] = new
print(sys.getrefcount(old), sys.getrefcount(new))
lst[1] = new
print(sys.getrefcount(old), sys.getrefcount(new))
lst[1] = lst[1]
print(sys.getrefcount(new), lst)
