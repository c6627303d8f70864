# Dropping a very deep structure.
# Each list's deallocator releases the list inside it, whose deallocator
# releases the next one, and so on: a million nested calls would overflow the
# C stack.  The trashcan notices the depth, puts the deeper lists aside and
# frees them in a loop instead.  If your Pm_DECREF or list deallocator
# recurses without it, this script crashes instead of printing "freed".
a = []
for i in range(1000000):
    a = [a]                  # the new list owns the previous one
print("built")
del a                        # one DECREF starts the whole chain of frees
print("freed")
