# try/except catches the errors the runtime raises, by class, by a base
# class or by a tuple of classes; the name after `as` is unbound again when
# the handler ends, and else: runs when nothing was raised.
d = {"a": 1}
try:
    d["b"]
except KeyError as e:
    print("KeyError", e, repr(e))
try:
    [1][5]
except LookupError as e:
    print(type(e), e)
try:
    d.pop("zz")
except (IndexError, KeyError):
    print("caught by a tuple")
try:
    undefined_name
except NameError as e:
    print(e)
try:
    d.nothing
except AttributeError as e:
    print(e)
try:
    1 // 0
except ArithmeticError as e:
    print(repr(e))
try:
    int("x")
except Exception as e:
    print(e)
try:
    print("no error")
except ValueError:
    print("not printed")
else:
    print("else runs")
try:
    len(5)
except:
    print("bare except")
try:
    print(e)
except NameError as err:
    print(err)
try:
    try:
        [].pop()
    except KeyError:
        print("not printed")
except IndexError as e:
    print("outer:", e)
for i in range(3):
    try:
        if i == 1:
            continue
        print(i, 10 // (i - 2))
    except ZeroDivisionError:
        print(i, "divides by zero")
        break
print(KeyError, LookupError)
