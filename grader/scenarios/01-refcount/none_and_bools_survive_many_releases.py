# None, True, False and small ints are shared by the whole program and must
# never be freed, however often containers that hold them are released.
# Step 2 Immortal objects.
x = None
for i in range(100000):
    x = [None, True, False, 0, 1, i]
    y = {"n": None, "t": True}
print(x)
print(y)
print(x[0] is None, x[1] is True, x[2] is False)
