# seq * n repeats a list, tuple or str; every copy of an item is the same
# object, so [x] * 3 holds three references to x.  n <= 0 gives an empty
# sequence, and a tuple or str times 1 is the object itself.
import sys
x = []
row = [x] * 3
print(row, sys.getrefcount(x))
print(row[0] is row[2])
print([1, 2] * 2, 2 * (1, 2), "ab" * 3, 3 * "-")
print([x] * 0, [x] * -1, (1,) * 0, "ab" * -5)
t = (x, x)
print(t * 1 is t)
lst = [x]
print(lst * 1 is lst, lst * 1 == lst)
del row
print(sys.getrefcount(x))
grid = [[0] * 2] * 2
grid[0][0] = 5
print(grid)
lst *= 3
print(len(lst), sys.getrefcount(x))
lst *= 0
print(lst, sys.getrefcount(x))
try:
    print([1] * "a")
except TypeError as e:
    print("TypeError:", e)
try:
    print("a" * "b")
except TypeError as e:
    print("TypeError:", e)
