# A new container is tracked into the youngest generation, generation 0, and
# nowhere else.  (Node instances compare by identity, so `in` finds only it.)
# Step 2 Collecting a generation.
import gc
gc.disable()
class Node:
    pass
n = Node()
print(n in gc.get_objects(0), n in gc.get_objects(1), n in gc.get_objects(2))
print(n in gc.get_objects())
gc.enable()
