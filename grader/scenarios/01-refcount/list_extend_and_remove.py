# extend takes a reference to each item of the other list; remove(x) drops
# the reference held by the first equal slot.
# Step 3 Ownership in lists.
import sys
x = [1]
y = [2]
src = [x, y, x]
dst = []
dst.extend(src)
print(sys.getrefcount(x), sys.getrefcount(y))
dst.remove(x)
print(sys.getrefcount(x), dst.index(x), len(dst))
del src
print(sys.getrefcount(x), sys.getrefcount(y))
print(dst)
