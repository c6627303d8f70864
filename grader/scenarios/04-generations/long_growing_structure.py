# A program that builds one large structure of 30000 lists with thresholds
# (100, 2, 2): survivors pile up in generation 2, and the long-lived
# heuristic skips a full collection until a quarter more long-lived objects
# arrived than the last one left, so full collections get rarer.  At the
# end the structure becomes a cycle, which one gc.collect() frees whole.
# Steps 1 to 3 together, over a long run (Step 3: the long-lived heuristic).
import gc
gc.collect()
gc.set_threshold(100, 2, 2)
root = []
node = root
k = 0
levels = 0
for i in range(30000):
    child = [i]
    node.append(child)
    k = k + 1
    if k == 100:
        k = 0
        node = child
        levels = levels + 1
print(len(root), levels)
del node, child
root.append(root)
del root
print(gc.collect())
gc.set_threshold(700, 10, 10)
