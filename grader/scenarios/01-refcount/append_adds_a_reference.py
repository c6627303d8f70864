# list.append stores a new reference: the list becomes an owner of the item
# (PmList_Append increments; the caller keeps its own reference).
# Step 3 Ownership in lists.
import sys
item = []
print(sys.getrefcount(item))
box = []
box.append(item)
print(sys.getrefcount(item))
box.append(item)
print(sys.getrefcount(item), len(box))
print(box[0] is item)
