# With threshold 100, a collection runs after about a hundred allocations
# instead of seven hundred: 300 allocations are enough to free the cycle.
# Step 1 Counting allocations.
import gc
gc.collect()
gc.set_threshold(100)
a = []
b = [a]
a.append(b)
del a, b
keep = []
for i in range(300):
    keep.append([])
print(gc.collect())
print(len(keep))
gc.set_threshold(700, 10, 10)
