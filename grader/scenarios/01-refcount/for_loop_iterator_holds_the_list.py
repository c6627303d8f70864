# A for loop over a list holds the list through its iterator, so the list's
# count is one higher inside the loop than before or after it.
# Step 1 Counting, Step 3 Ownership in lists.
import sys
lst = [10, 20]
print(sys.getrefcount(lst))
for x in lst:
    print(x, sys.getrefcount(lst))
print(sys.getrefcount(lst))
