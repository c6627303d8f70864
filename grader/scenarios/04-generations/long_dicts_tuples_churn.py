# Small thresholds (100, 5, 5) and a mix of work: dicts that held a list
# and then only ints, tuples of ints, tuples of lists, and dict cycles
# dropped every eleventh iteration.  The log of collections shows which
# generation each one took and how many objects it found.
# Steps 1 to 3 together, over a long run (with the untracking of tuples and dicts).
import gc
gc.collect()
gc.set_threshold(100, 5, 5)
dicts = []
tuples = []
k = 0
for i in range(10000):
    k = k + 1
    if k == 11:
        k = 0
        d = {}
        e = {"d": d}
        d["e"] = e
        del d, e
    elif k == 1 or k == 6:
        d = {"x": []}
        d["x"] = i
        dicts.append(d)
    elif k == 2 or k == 7:
        tuples.append((i, i + 1))
    elif k == 3:
        tuples.append((i, [i]))
print(len(dicts), len(tuples))
gc.collect()
n = 0
for d in dicts:
    if gc.is_tracked(d):
        n = n + 1
print(n)
gc.set_threshold(700, 10, 10)
