# clear() releases every item the list held; items with no other owner die.
# The list itself stays alive and empty.
# Step 3 Ownership in lists.
import sys
kept = [0]
lst = [kept]
for i in range(5):
    lst.append([i])
lst.append(kept)
print(len(lst), sys.getrefcount(kept))
lst.clear()
print(len(lst), sys.getrefcount(kept), lst)
print(sys.getrefcount(lst))
