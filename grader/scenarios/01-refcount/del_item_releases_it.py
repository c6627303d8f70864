# del lst[i] removes the slot and releases its reference; the items after it
# move down without their counts changing.
# Step 3 Ownership in lists.
import sys
a = [1]
b = [2]
lst = [a, b, a]
del lst[0]
print(lst, sys.getrefcount(a), sys.getrefcount(b))
del lst[1]
print(lst, sys.getrefcount(a), sys.getrefcount(b))
