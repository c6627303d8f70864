# Instances that point at each other through a shared list: three objects
# in the cycle (two instances and the list), all unreachable.
# Step 4 move_unreachable, Step 6 delete_garbage.
import gc
gc.collect()
class Node:
    pass
a = Node()
b = Node()
a.peers = [a, b]
b.peers = a.peers
del a, b
print(gc.collect())
