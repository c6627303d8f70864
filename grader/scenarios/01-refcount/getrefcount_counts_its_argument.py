# sys.getrefcount(x) is one higher than the number of owners: the call
# itself holds x while it runs.  A temporary with no name has a count of 1.
# Step 1 Counting.
import sys
print(sys.getrefcount([]))
print(sys.getrefcount({}))
a = []
print(sys.getrefcount(a))
print(sys.getrefcount([a]))
print(sys.getrefcount(a))
