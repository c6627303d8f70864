# The same deep chain built from dicts: a dict's deallocator also goes
# through the trashcan, so dropping 200000 nested dicts does not crash.
# Step 6 The trashcan.
d = {}
for i in range(200000):
    d = {"next": d}
print(len(d))
d = None
print("freed", d)
