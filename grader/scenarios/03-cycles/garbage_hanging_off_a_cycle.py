# Objects that only a cycle reaches die with it: the two lists of the cycle
# and the three lists hanging off it are all unreachable, all counted.
# Step 4 move_unreachable, Step 6 delete_garbage.
import gc
gc.collect()
a = []
b = [a]
a.append(b)
a.append([[], []])
del a, b
print(gc.collect())
