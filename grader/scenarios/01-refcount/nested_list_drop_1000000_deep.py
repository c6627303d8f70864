# Dropping a list nested a million deep frees a million lists in one chain.
# Done by plain recursion, each deallocator calling the next, it would
# overflow the C stack; the trashcan defers the deep ones and frees them in a loop.
# Step 6 The trashcan.
a = []
for i in range(1000000):
    a = [a]
del a
print("freed")
