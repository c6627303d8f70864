# A tuple built at run time starts tracked; any collection, even of
# generation 0, untracks it when it holds nothing that could be tracked.
# Step 2 Collecting a generation.
import gc
gc.disable()
i = 12345
j = i + 1
t = (i, j)
print(gc.is_tracked(t))
gc.collect(0)
print(gc.is_tracked(t))
gc.enable()
