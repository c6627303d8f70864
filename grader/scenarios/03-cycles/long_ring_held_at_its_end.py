# A ring of 10000 lists held by a name at its last list: move_unreachable
# meets most lists with gc_refs 0 first, moves them to unreachable, and must
# move every one back once the held list is scanned.  Nothing is collected.
# Step 4 move_unreachable (objects moved back from unreachable).
import gc
gc.collect()
gc.disable()
first = []
x = first
for i in range(9999):
    y = []
    x.append(y)
    x = y
x.append(first)
del first, y
print(gc.collect())
n = 0
z = x
for i in range(10000):
    z = z[0]
    n = n + 1
print(n, z is x)
del x, z
print(gc.collect())
gc.enable()
