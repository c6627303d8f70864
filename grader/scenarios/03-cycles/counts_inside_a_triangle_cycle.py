# A triangle of lists: each is held by the next, so each count stays above
# zero from the cycle alone.  While the name a holds one of them, the
# collector finds one outside reference and keeps all three; without it,
# it collects the three.
# Step 3 update_refs and subtract_refs.
import gc, sys
gc.collect()
a = []
b = [a]
c = [b]
a.append(c)
print(sys.getrefcount(a), sys.getrefcount(b), sys.getrefcount(c))
del b, c
print(sys.getrefcount(a), sys.getrefcount(a[0]), sys.getrefcount(a[0][0]))
print(gc.collect())
del a
print(gc.collect())
