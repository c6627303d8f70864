# index, count, `in` and len only look: they return without leaving a
# reference behind on the items they compared.
# Step 3 Ownership in lists.
import sys
x = [1]
y = [2]
lst = [x, y, x]
for i in range(100):
    n = lst.count(x)
    j = lst.index(y)
    f = y in lst
print(n, j, f, len(lst))
print(sys.getrefcount(x), sys.getrefcount(y))
