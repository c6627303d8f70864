# Every instance holds a reference to its class, so deleting the class's name
# does not free the class while instances exist: they keep working.
# Step 5 Deallocators (the class is released when the last instance is).
import sys
class Point:
    pass
p = Point()
q = Point()
p.x = [1]
q.x = [2]
del Point
p.y = p.x
print(p.x, q.x, p.y is p.x)
print(sys.getrefcount(p), sys.getrefcount(q), sys.getrefcount(p.x))
del q
print(p.x, p.y)
