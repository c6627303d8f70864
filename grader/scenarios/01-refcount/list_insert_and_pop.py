# insert adds a reference wherever it puts the item; pop(i) gives one back.
# Moving items around inside the list never changes their counts.
# Step 3 Ownership in lists.
import sys
a = [1]
b = [2]
lst = []
lst.insert(0, a)
lst.insert(0, b)
lst.insert(1, a)
print(lst)
print(sys.getrefcount(a), sys.getrefcount(b))
x = lst.pop(0)
print(sys.getrefcount(b), x is b)
lst.pop(0)
print(sys.getrefcount(a), lst)
lst.insert(100, b)
print(lst, sys.getrefcount(b))
