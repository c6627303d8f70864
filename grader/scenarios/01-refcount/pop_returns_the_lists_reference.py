# list.pop hands the list's own reference to the caller: no INCREF, no DECREF.
# Bound to a name, the item has the same owners as before; dropped, it is freed.
# Step 3 Ownership in lists.
import sys
item = [1]
box = [item]
print(sys.getrefcount(item))
got = box.pop()
print(sys.getrefcount(item), len(box), got is item)
del got
print(sys.getrefcount(item))
box.append(item)
box.pop()
print(sys.getrefcount(item), box)
