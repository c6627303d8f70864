# gc_bench.py - CPython's side of `make bench` for chapters 3 and 4: builds
# the same object graphs as gc_bench.c, with the same pseudo-random numbers,
# and times gc.collect() on them.  gc_bench starts it once and asks for one
# measurement at a time, so that the two sides take turns and share the
# machine's load.  Protocol, one line each way:
#
#   -> version 3.11.7                 (once, at start)
#   <- <shape> <objects>              build the graph, time one gc.collect()
#   -> <found> <ns>                   what it returned, how long it took
#
# The interpreter's own objects are frozen first (gc.freeze()), so a
# collection looks at the benchmark's graph only, as the reference's does.
# What is timed is the gc.collect() call alone: building the graph and
# freeing what stays reachable are outside the clock, on both sides.  The
# clock is the process's processor time (CLOCK_PROCESS_CPUTIME_ID on both
# sides), which does not count time spent waiting for a processor.
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


def measure(shape, n, edges):
    keep = SHAPES[shape](n, edges)
    t0 = time.process_time_ns()
    found = gc.collect()
    t1 = time.process_time_ns()
    del keep
    gc.collect()
    return found, t1 - t0


def main():
    gc.disable()
    gc.collect()
    gc.freeze()
    print("version", sys.version.split()[0], flush=True)
    edges = {}
    for line in sys.stdin:
        shape, n = line.split()
        n = int(n)
        if shape == "random" and n not in edges:
            edges[n] = lcg_indices(n, CLUSTER, 42)
        found, ns = measure(shape, n, edges.get(n))
        print(found, ns, flush=True)


main()
