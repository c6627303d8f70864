# A structure that looks leaked but is only forgotten.
# `cache` keeps a reference to every record ever made.  Dropping the name
# `record` frees nothing: each record still has one owner, the cache.  In
# Python this is not a leak in the C sense (the objects are reachable and
# would be freed with the cache); it is the usual way a long-running program
# "leaks" memory.  To see it, stop the run while the cache is full:
#     make run SCRIPT=examples/leak.py RUNFLAGS="--stop-after 2"
# In the heap picture the records hang off the list `cache`, reachable from
# its name.  Objects marked "unreachable" are different: nothing reachable
# refers to them, yet their counts are above zero - a cycle the collector has
# not looked at yet, or, in C, a missing DECREF.
import sys

cache = []
for i in range(3):
    record = {"id": i, "payload": [i, i]}
    cache.append(record)     # the forgotten reference
print(sys.getrefcount(record))   # 3: the name, the cache's slot, the argument
del record
print(len(cache), sys.getrefcount(cache[2]))   # still alive: cache owns it
print(cache[0])
cache.clear()                # now every record's last owner lets go
print(len(cache))
