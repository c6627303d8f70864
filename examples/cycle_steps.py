# One full collection, step by step: chapter 3 draws the heap after each step
# of the collector by running this with the reference's pmgcsteps:
#     build/rel/ref/bin/pmgcsteps --stop-after 1 --out steps examples/cycle_steps.py
# It stops after the first line, while x and y are a cycle nothing names.
import gc, sys

gc.collect()                 # start clean: nothing else for the collector to find
b = [2]
a = [1, b]                   # a live chain: a -> b
x = [3]
y = [4, x]
x.append(y)                  # x <-> y: a cycle
x.append([5])                # a list only the cycle reaches
x.append(b)                  # the cycle also refers to b, which a name keeps alive
del x, y                     # now nothing named reaches the cycle
print(sys.getrefcount(b))    # 4 = the name b + a's slot + x's slot + the argument
print(gc.collect())          # 3: x, y and the list [5]
print(sys.getrefcount(b))    # 3: x's slot went with x
