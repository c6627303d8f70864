# gc.get_debug and gc.set_debug: the flags are 0 until set, and the DEBUG_*
# constants are the bits CPython defines.
import gc
print(gc.get_debug())
print(gc.DEBUG_STATS, gc.DEBUG_COLLECTABLE, gc.DEBUG_UNCOLLECTABLE, gc.DEBUG_SAVEALL, gc.DEBUG_LEAK)
print(gc.DEBUG_LEAK == gc.DEBUG_COLLECTABLE + gc.DEBUG_UNCOLLECTABLE + gc.DEBUG_SAVEALL)
gc.set_debug(gc.DEBUG_UNCOLLECTABLE)
print(gc.get_debug())
gc.set_debug(0)
print(gc.get_debug())
try:
    gc.set_debug("x")
except TypeError as e:
    print("TypeError:", e)
try:
    gc.get_debug(1)
except TypeError as e:
    print("TypeError:", e)
