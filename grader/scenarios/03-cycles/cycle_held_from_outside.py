# A cycle that a live name still reaches is not garbage: the name is a
# reference from outside the set, so gc_refs stays above zero and
# move_unreachable keeps everything reachable from it.
# Step 3 update_refs and subtract_refs, Step 4 move_unreachable.
import gc, sys
gc.collect()
a = []
b = [a]
a.append(b)
holder = [a]
del a, b
print(gc.collect())
print(len(holder[0]), len(holder[0][0]))
del holder
print(gc.collect())
