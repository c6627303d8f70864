# `x in gc.get_objects()` compares with ==, in CPython as in the workbook:
# it is true when any tracked object equals x, not only when x itself is
# tracked.  Scenarios therefore test membership with instances of a class
# (equal only to themselves) or ask gc.is_tracked(x).
import gc
d = {}
e = {"k": []}
del e["k"]
print(gc.is_tracked(d), gc.is_tracked(e))
print(d == e, d in gc.get_objects())


class Box:
    pass


b = Box()
print(gc.is_tracked(b), b in gc.get_objects())
