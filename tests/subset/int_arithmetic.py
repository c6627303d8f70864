# The int operators of the subset: +, -, *, // and %, with Python's floor
# rounding (the quotient rounds down, the remainder takes the divisor's
# sign), and the errors CPython raises for a zero divisor.
a = 7
b = -2
print(a * b, a // b, a % b)
print(-a // 2, -a % 2, a // 2, a % 2)
print(a * 0, 0 // a, 0 % a)
x = 10
x *= 3
x //= 4
x %= 5
print(x)
print(2 * 3 + 4 * 5 - 6 // 4 % 3)
print(-7 // -2, -7 % -2, 6 // -3, 6 % -3)
try:
    print(a // 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    print(a % 0)
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    print(None * 2)
except TypeError as e:
    print("TypeError:", e)
print(True * 3, 5 // True)
