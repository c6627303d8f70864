# A cycle through a chain of 10000 lists: the collector frees all of them,
# and clearing the chain must not recurse 10000 deep either.
# Step 6 The trashcan, with the cycle collector doing the freeing.
import gc
gc.collect()
gc.disable()
first = []
x = first
for i in range(10000):
    x = [x]
first.append(x)
del first, x
print(gc.collect())
gc.enable()
