# A dict that grows moves its entries to a bigger table; moving must not
# change any count (the references move, they are not copied).
# Step 4 Ownership in dicts.
import sys
v = [0]
d = {}
for i in range(1000):
    d[i] = v
print(len(d), sys.getrefcount(v))
for i in range(1000):
    del d[i]
print(len(d), sys.getrefcount(v))
