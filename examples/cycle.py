# A reference cycle: two lists that hold each other.
# After `del a, b` no name reaches them, yet each still has a count of 1
# (the other list's slot), so reference counting never frees them; only
# gc.collect() does.  To see them stranded, stop the run before the collection:
#     make run SCRIPT=examples/cycle.py RUNFLAGS="--stop-after 2"
# and open the heap picture (under build/run/): the two lists point at each
# other, nothing reachable points at them, and they are marked "unreachable".
import gc, sys

gc.collect()                 # start clean: nothing else for the collector to find
a = []
b = [a]
a.append(b)
print(sys.getrefcount(a))    # 3 = the name a + b's slot + the argument
del a, b                     # counts drop to 1 each, not to 0
print("names deleted")
print(gc.collect())          # 2: the collector found both lists unreachable
