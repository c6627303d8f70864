# Step 4 move_unreachable, Step 6 delete_garbage.
# Garbage may refer to live objects: a ring of instances that nothing
# reaches holds a list the program still uses.  Collecting the ring must
# free it and leave the list, and what the list holds, untouched.
import gc

class Node:
    pass

gc.collect()
gc.disable()
shared = [1, 2, [3, 4]]
first = Node()
node = first
for i in range(4):
    node.next = Node()
    node = node.next
    node.data = shared
node.next = first
del node, first
print(gc.collect())
print(shared, len(shared[2]))
shared.append({"again": shared})
print(gc.collect())
del shared
print(gc.collect())
print(gc.collect())
gc.enable()
