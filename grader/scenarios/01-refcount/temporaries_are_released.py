# Every temporary a statement creates is released before the next statement:
# a thousand calls that look at a list leave its count where it was.
# Step 1 Counting.
import sys
a = [1, 2, 3]
n = 0
for i in range(1000):
    n = n + len(a)
    t = list(a)
    s = str(a)
print(sys.getrefcount(a))
print(n, s)
print(sys.getrefcount(t))
