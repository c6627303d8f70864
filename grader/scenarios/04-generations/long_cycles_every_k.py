# A long run with the collector enabled: 20000 iterations keep some lists
# and drop a ring of three lists every seventh iteration.  The automatic
# collections free the rings as they go; the grader compares the log of
# those collections (generation, objects found) with the reference's.
# Steps 1 to 3 together, over a long run (counting, collecting, thresholds).
import gc
gc.collect()
keep = []
k = 0
for i in range(20000):
    k = k + 1
    if k == 7:
        k = 0
        a = []
        b = [a]
        c = [b]
        a.append(c)
        del a, b, c
    elif k == 3 or k == 6:
        keep.append([i])
    else:
        t = [i]
print(len(keep))
del t
