# Tuples built at run time chain the same way; their deallocator must use
# the trashcan too.
# Step 6 The trashcan.
t = None
for i in range(300000):
    t = (t, i)
print(len(t), t[1])
del t
print("freed")
