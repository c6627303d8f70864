# A new list has exactly one owner: the name it is bound to.
# sys.getrefcount shows 2 because its own argument is a second, temporary reference.
# Step 1 Counting.
import sys
a = []
print(sys.getrefcount(a))
b = [1, 2, 3]
print(sys.getrefcount(b))
print(len(b), b)
