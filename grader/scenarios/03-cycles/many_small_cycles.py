# 200 self-referencing lists built in a loop: each is its own cycle, each
# one counted.
# Step 4 move_unreachable.
import gc
gc.collect()
gc.disable()
for i in range(200):
    x = []
    x.append(x)
del x
print(gc.collect())
gc.enable()
