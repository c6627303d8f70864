# Storing under a key equal to one already present keeps the old key object
# and replaces only the value: the second string gains no owner.
# Step 4 Ownership in dicts.
import sys
k1 = str(12345)
k2 = str(12345)
print(k1 == k2, k1 is k2)
print(sys.getrefcount(k1), sys.getrefcount(k2))
d = {}
d[k1] = 1
d[k2] = 2
print(sys.getrefcount(k1), sys.getrefcount(k2), d)
for k in list(d.keys()):
    print(k is k1, k is k2)
