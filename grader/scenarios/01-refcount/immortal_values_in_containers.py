# Containers full of None and small ints are built and freed over and over;
# the immortal objects they point to stay usable throughout.
# Step 2 Immortal objects, Step 5 Deallocators.
import sys
keep = []
for i in range(5000):
    row = [None, True, 3]
    d = {"k": row, "none": None}
    keep.append(row)
    keep.pop()
print(row, d["none"], len(keep))
print(sys.getrefcount(row))
del d
print(sys.getrefcount(row))
