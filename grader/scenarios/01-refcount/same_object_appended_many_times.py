# Each slot of a container is a separate reference, even to the same object:
# appending one list ten times adds ten references, clearing drops them all.
# Step 1 Counting, Step 3 Ownership in lists.
import sys
x = []
bag = []
for i in range(10):
    bag.append(x)
print(sys.getrefcount(x), len(bag))
print(bag.count(x))
bag.clear()
print(sys.getrefcount(x), len(bag))
