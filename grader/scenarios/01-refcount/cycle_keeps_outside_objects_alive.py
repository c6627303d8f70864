# A cycle also keeps alive everything it points to; when the collector frees
# the cycle, the outside object's count drops back.
# Step 5 Deallocators.
import gc, sys
gc.collect()
outside = [99]
a = [outside]
b = [a]
a.append(b)
del a, b
print(sys.getrefcount(outside))
print(gc.collect())
print(sys.getrefcount(outside), outside)
