# list(a) is a shallow copy: a new list whose slots point at the same items,
# so every item gains one owner.  Freeing the copy gives them back.
# Step 3 Ownership in lists.
import sys
p = [1]
q = [2]
a = [p, q]
b = list(a)
print(a == b, a is b, a[0] is b[0])
print(sys.getrefcount(p), sys.getrefcount(q))
del b
print(sys.getrefcount(p), sys.getrefcount(q))
