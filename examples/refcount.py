# Reference counting in five lines of output.
# Run it with `make run SCRIPT=examples/refcount.py`, then compare each number
# with the owners you can name: every name and every container slot is one
# reference, and sys.getrefcount adds one for its own argument.
import sys

a = []                       # one owner: the name a
print(sys.getrefcount(a))    # 2 = a + the argument

b = a                        # a second name for the same list
print(sys.getrefcount(a))    # 3

box = [a, a]                 # each slot of box is another owner
print(sys.getrefcount(a))    # 5

box.pop()                    # pop hands the slot's reference to a temporary,
print(sys.getrefcount(a))    # which dies at the end of the statement: 4

del b, box                   # the name b and the list box (with its slot) go
print(sys.getrefcount(a))    # back to 2: a alone owns the list again
