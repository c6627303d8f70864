# A ring of 10000 lists, each holding the next and the last holding the
# first: no list is referenced from outside, so all 10000 are collected
# in one pass of move_unreachable, without recursion.
# Step 4 move_unreachable.
import gc
gc.collect()
gc.disable()
first = []
x = first
for i in range(9999):
    y = []
    x.append(y)
    x = y
x.append(first)
del first, x, y
print(gc.collect())
gc.enable()
