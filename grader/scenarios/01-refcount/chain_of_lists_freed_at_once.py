# Freeing the head of a chain frees the whole chain: each deallocator's
# DECREF of its item brings the next list to zero in turn.
# Step 5 Deallocators.
import sys
tail = [0]
c = [[[tail]]]
print(sys.getrefcount(tail))
middle = c[0][0]
del c
print(sys.getrefcount(tail), sys.getrefcount(middle))
del middle
print(sys.getrefcount(tail), tail)
