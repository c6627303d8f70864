# assert checks a condition and raises AssertionError, with str() of the
# message when one is given; a passing assert does nothing.
x = [1, 2]
assert len(x) == 2
assert x, "x is empty"
try:
    assert len(x) == 3
except AssertionError as e:
    print("failed:", repr(str(e)))
try:
    assert len(x) == 3, "x has " + str(len(x)) + " items"
except AssertionError as e:
    print("failed:", e)
try:
    assert not x, x
except AssertionError as e:
    print("failed:", e)
print("done")
