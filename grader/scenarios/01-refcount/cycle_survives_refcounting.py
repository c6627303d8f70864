# Two lists that refer to each other keep each other's counts above zero
# after their names are gone: reference counting alone cannot free them.
# Step 5 Deallocators (their limit); the cycle collector finds the pair.
import gc, sys
gc.collect()
a = []
b = [a]
a.append(b)
print(sys.getrefcount(a), sys.getrefcount(b))
del a, b
print(gc.collect())
print(gc.collect())
