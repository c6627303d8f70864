# With no cycles around, gc.collect() finds nothing and returns 0, however
# many live containers there are.
# Step 4 move_unreachable.
import gc
gc.collect()
a = [[], [], {"k": []}]
b = (a, a)
print(gc.collect())
print(gc.collect())
del a, b
print(gc.collect())
