# A deep chain that alternates lists, dicts and tuples: the trashcan works
# across types, since each deallocator goes through it.
# Step 6 The trashcan.
x = []
for i in range(100000):
    x = [x]
    x = {"v": x}
    x = (x, i)
print(len(x))
del x
print("freed")
