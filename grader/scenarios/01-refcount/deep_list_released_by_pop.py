# A deep chain can also die from inside a method: pop() hands it out, and the
# temporary is released at the end of the statement.  Then again by clear().
# Step 6 The trashcan.
import sys
holder = []
a = []
for i in range(500000):
    a = [a]
holder.append(a)
del a
print(len(holder), sys.getrefcount(holder))
holder.pop()
print(len(holder))
b = []
for i in range(500000):
    b = [b]
holder.append(b)
del b
holder.clear()
print(holder)
