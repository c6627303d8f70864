# A list that contains itself: its one internal reference cancels its count
# in subtract_refs once the name is gone.
# Step 3 update_refs and subtract_refs.
import gc, sys
gc.collect()
a = []
a.append(a)
a.append(a)
print(sys.getrefcount(a), len(a))
del a
print(gc.collect())
