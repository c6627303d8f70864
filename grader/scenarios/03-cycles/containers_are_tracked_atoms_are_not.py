# Lists and instances are tracked from birth; ints, strings and None never
# are, since they hold no references.
# Step 1 Tracking.
import gc
gc.collect()
class Node:
    pass
print(gc.is_tracked([]), gc.is_tracked(Node()))
print(gc.is_tracked(123456), gc.is_tracked("text"), gc.is_tracked(None))
print(gc.is_tracked(Node))
