# A tuple holding a tuple of ints: the inner one is untracked by the first
# collection; the outer one then holds nothing tracked and is untracked too
# (in the same collection if the inner one was examined first, else in the
# next).  After two collections both are untracked.
# Step 5 Untracking tuples.
import gc
gc.collect()
inner = tuple([1000, 2000])
outer = tuple([inner, 3000])
print(gc.is_tracked(inner), gc.is_tracked(outer))
gc.collect()
gc.collect()
print(gc.is_tracked(inner), gc.is_tracked(outer))
