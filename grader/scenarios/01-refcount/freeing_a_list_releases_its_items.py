# When a list's count reaches zero its deallocator releases every item it
# held, so the items' counts drop the moment the list dies.
# Step 5 Deallocators.
import sys
item = [1]
holder = [item, item, item]
print(sys.getrefcount(item))
del holder
print(sys.getrefcount(item))
holder = [item]
holder = None
print(sys.getrefcount(item), holder)
