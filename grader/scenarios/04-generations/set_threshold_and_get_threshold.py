# The thresholds: (700, 10, 10) by default in CPython 3.11; set_threshold
# changes as many as it is given, the others keep their values.
# Step 4 The gc module.
import gc
print(gc.get_threshold())
gc.set_threshold(100)
print(gc.get_threshold())
gc.set_threshold(5, 6, 7)
print(gc.get_threshold())
gc.set_threshold(50, 3)
print(gc.get_threshold())
gc.set_threshold(700, 10, 10)
print(gc.get_threshold())
