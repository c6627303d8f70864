# gc.get_referents lists what an object's tp_traverse visits: the items of
# a list, the values and (unless all are str) the keys of a dict; atoms
# (ints, str) visit nothing.
# gc.get_referrers finds every tracked object that refers to its argument:
# here the module's namespace dict and the containers built below.
import gc
x = []
holder = [x]
pair = (x, 1)
d = {1: x}
r = gc.get_referents(holder)
print(len(r), r[0] is x)
r = gc.get_referents(d)
print(len(r), r[0] is x or r[1] is x)
print(gc.get_referents(1), gc.get_referents("s"), gc.get_referents())
r = gc.get_referents(holder, pair)
print(len(r))
del r
refs = gc.get_referrers(x)
print(len(refs))
found = []
for o in refs:
    if o is holder:
        found.append("holder")
    if o is pair:
        found.append("pair")
    if o is d:
        found.append("d")
print(sorted(found))
del refs, o, found
lonely = []
print(len(gc.get_referrers(lonely)))
