# list.reverse, sort, index, count and copy.  sort and reverse work in
# place and return None; copy makes a new list of the same items; sort is
# stable, and key= is called once per item.
import sys
x = [3]
a = [5, 1, 4, 1, 3]
print(a.reverse(), a)
print(a.sort(), a)
a.sort(reverse=True)
print(a)
print(a.index(1), a.index(4), a.count(1), a.count(7), a.index(1, 4), a.index(1, -1))
words = ["bb", "a", "ccc", "dd", "e"]
words.sort(key=len)
print(words)
words.sort(key=len, reverse=True)
print(words)
b = [x, [x]]
c = b.copy()
print(c == b, c is b, c[0] is x, sys.getrefcount(x))
del c
print(sys.getrefcount(x))
try:
    a.index(9)
except ValueError as e:
    print("ValueError:", e)
try:
    [3, "a"].sort()
except TypeError as e:
    print("TypeError:", e)
try:
    a.sort(1)
except TypeError as e:
    print("TypeError:", e)
try:
    a.count()
except TypeError as e:
    print("TypeError:", e)
print((1, 2, 1).count(1), (1, 2, 1).index(2))
try:
    (1, 2).index(3)
except ValueError as e:
    print("ValueError:", e)
