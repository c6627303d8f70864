# A cycle that runs through a dict's value and back: the dict holds a list,
# the list holds the dict.  A dict holding only strings and ints as keys
# still takes part, through its values.
# Step 2 Traversal.
import gc
gc.collect()
d = {"one": 1, "two": 2}
items = [d]
d["items"] = items
del d, items
print(gc.collect())
