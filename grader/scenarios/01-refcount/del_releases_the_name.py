# `del name` releases the name's reference, not the object: the object dies
# only when its last owner lets go.  Here a list keeps it alive after del.
# Step 1 Counting.
import sys
item = [7]
holder = [item]
print(sys.getrefcount(item))
del item
print(sys.getrefcount(holder[0]))
print(holder)
