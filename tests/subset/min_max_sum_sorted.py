# min, max, sum and sorted: sorted makes a new list and leaves its argument
# alone; min and max return one of the items themselves (the first of
# equal ones), not a copy.
import sys
a = [3, 1, 2]
print(min(a), max(a), sum(a), sorted(a), a)
print(min(4, 2, 8), max(4, 2, 8), sum([], 10), sum(range(5)), sum([1, 2], start=3))
print(sorted(a, reverse=True), sorted("bca"), sorted({"b": 1, "a": 2}))
x = [1]
y = [1]
print(max([x, y]) is x, min(x, y) is x, max([[0], x], key=len) is x)
print(min([], default="none"), max(["aa", "b", "cc"], key=len))
print(sum([[1], [2]], []))
s = sorted([x, y])
print(s[0] is x, sys.getrefcount(x))
del s
print(sys.getrefcount(x))
try:
    min([])
except ValueError as e:
    print("ValueError:", e)
try:
    max(1)
except TypeError as e:
    print("TypeError:", e)
try:
    sum(["a"])
except TypeError as e:
    print("TypeError:", e)
try:
    sum([1], "")
except TypeError as e:
    print("TypeError:", e)
try:
    sorted([1, "a"])
except TypeError as e:
    print("TypeError:", e)
