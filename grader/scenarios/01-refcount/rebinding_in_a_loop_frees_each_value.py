# Rebinding a name in a loop frees the previous value each time round, so
# only the last one survives; its items are the only ones still owned.
# Step 5 Deallocators.
import sys
keep = [0]
for i in range(10000):
    x = [keep, i]
print(x, sys.getrefcount(keep))
x = None
print(sys.getrefcount(keep))
