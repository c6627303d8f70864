# A tuple built at run time starts tracked; the first collection sees that
# it holds only ints and strings and untracks it, since it can never be
# part of a cycle.
# Step 5 Untracking tuples.
import gc
gc.collect()
x = 1000
t = tuple([x, x + 1, "a"])
print(gc.is_tracked(t))
gc.collect()
print(gc.is_tracked(t))
