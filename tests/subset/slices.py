# Slices of lists, tuples and str: a list slice is a new list holding new
# references to the same items; t[:] of a tuple or str is the object itself.
import sys
a = [10, 20, 30, 40, 50]
print(a[1:3], a[:2], a[3:], a[:], a[::2], a[::-1], a[-2:], a[:-2])
print(a[5:1:-1], a[1:5:-1], a[100:], a[-100:2], a[4:0:-2])
x = []
b = [x, x, x]
c = b[0:2]
print(len(c), c[0] is x, sys.getrefcount(x))
d = b[:]
print(d is b, d == b, sys.getrefcount(x))
del c, d
print(sys.getrefcount(x))
t = (1, 2, 3, 4)
print(t[1:], t[:] is t, t[::-1], t[1:3])
s = "héllo"
print(s[1:3], s[::-1], s[:] is s, s[-3:])
try:
    print(a[::0])
except ValueError as e:
    print("ValueError:", e)
try:
    print(a["x":])
except TypeError as e:
    print("TypeError:", e)
