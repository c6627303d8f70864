# The loop variable is an ordinary name: after the loop it still refers to
# the last item, and that item keeps one extra owner until the name goes.
# Step 1 Counting, Step 3 Ownership in lists.
import sys
items = []
for i in range(3):
    items.append([i])
for item in items:
    n = len(item)
print(item)
print(sys.getrefcount(items[0]), sys.getrefcount(items[2]))
del item
print(sys.getrefcount(items[2]))
