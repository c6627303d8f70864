# Small ints (-5 to 256) exist once: computing 100 gives back the shared object.
# Larger ints are made anew by each computation.  The shared ones are immortal
# here, as in CPython since 3.12 (3.11 merely never lets their counts reach 0).
# Step 2 Immortal objects.
n = 0
for i in range(100):
    n = n + 1
h = 100
print(n, n is h)
for i in range(900):
    n = n + 1
m = 1000
print(n, n == m, n is m)
