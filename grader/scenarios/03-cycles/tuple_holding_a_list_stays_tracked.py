# A tuple that holds a list stays tracked across collections: the list may
# be changed at any time to point back at the tuple, and a tuple can never
# let go of its items, so it stays tracked for good.
# Step 5 Untracking tuples.
import gc
gc.collect()
inner = []
t = tuple([inner, 1])
gc.collect()
print(gc.is_tracked(t))
gc.collect()
print(gc.is_tracked(t))
