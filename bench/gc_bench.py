# gc_bench.py - CPython's side of `make bench` for chapters 3 and 4: builds
# the same object graphs as gc_bench.c, with the same pseudo-random numbers,
# and times gc.collect() on them.  Run by gc_bench (through popen); prints
# one line per measurement:
#
#   version 3.11.7
#   <shape> <objects> <found> <best ns>
#
# where found is what gc.collect() returned and best ns the fastest of the
# runs.  The interpreter's own objects are frozen first (gc.freeze()), so a
# collection looks at the benchmark's graph only, as the reference's does.
import gc
import sys
import time
from array import array

MASK = (1 << 64) - 1
CLUSTER = 1000


def lcg_indices(count, n, seed):
    """count pseudo-random indices below n: the 64-bit LCG of gc_bench.c."""
    x = seed
    out = array("q", bytes(8 * count))
    for i in range(count):
        x = (x * 6364136223846793005 + 1442695040888963407) & MASK
        out[i] = (x >> 33) % n
    return out


def build_chain(n, edges):
    head = []
    cur = head
    for _ in range(n - 1):
        nxt = []
        cur.append(nxt)
        cur = nxt
    return head


def build_cycles(n, edges):
    for _ in range(n // 2):
        a = []
        b = [a]
        a.append(b)
    return None


def build_random(n, edges):
    # Clusters of CLUSTER lists; each list refers to the next one of its
    # cluster (a ring, so no list is freed by reference counting alone) and
    # to a random one of its cluster.  The roots list, made last, holds the
    # first list of every even cluster: half the graph is reachable, half is
    # garbage in cycles.
    nodes = [[] for _ in range(n)]
    for i in range(n):
        base = i - i % CLUSTER
        nodes[i].append(nodes[base + (i - base + 1) % CLUSTER])
        nodes[i].append(nodes[base + edges[i]])
    return [nodes[c] for c in range(0, n, 2 * CLUSTER)]


SHAPES = {"chain": build_chain, "cycles": build_cycles, "random": build_random}


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    gc.disable()
    gc.collect()
    gc.freeze()
    print("version", sys.version.split()[0], flush=True)
    for shape, build in SHAPES.items():
        for n in sizes:
            edges = lcg_indices(n, CLUSTER, 42) if shape == "random" else None
            runs = 5 if n <= 100_000 else 3
            best = None
            found = None
            for _ in range(runs):
                keep = build(n, edges)
                t0 = time.perf_counter_ns()
                found = gc.collect()
                t1 = time.perf_counter_ns()
                del keep
                gc.collect()
                if best is None or t1 - t0 < best:
                    best = t1 - t0
            print(shape, n, found, best, flush=True)


main()
