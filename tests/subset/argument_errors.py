# Calling a builtin, a gc function or a method with the wrong arguments
# raises CPython's TypeError, worded as CPython words it for that kind of
# function (METH_O, Argument Clinic, keywords), and the ValueError or
# IndexError of a bad value.
import gc
import sys
try:
    print(print(x=1))
except Exception as e:
    print('print(x=1)', type(e), e)
try:
    print(len(x=1))
except Exception as e:
    print('len(x=1)', type(e), e)
try:
    print([].append(x=1))
except Exception as e:
    print('[].append(x=1)', type(e), e)
try:
    print({}.get(k=1))
except Exception as e:
    print('{}.get(k=1)', type(e), e)
try:
    print(gc.collect(1, generation=2))
except Exception as e:
    print('gc.collect(1, generation=2)', type(e), e)
try:
    print(sum([1],2,start=3))
except Exception as e:
    print('sum([1],2,start=3)', type(e), e)
try:
    print(sorted([1],x=1))
except Exception as e:
    print('sorted([1],x=1)', type(e), e)
try:
    print([].sort(x=1))
except Exception as e:
    print('[].sort(x=1)', type(e), e)
try:
    print(min(1,2,x=3))
except Exception as e:
    print('min(1,2,x=3)', type(e), e)
try:
    print(min([],default=1,key=len))
except Exception as e:
    print('min([],default=1,key=len)', type(e), e)
try:
    print(max(1,2,default=3))
except Exception as e:
    print('max(1,2,default=3)', type(e), e)
try:
    print(sum(1))
except Exception as e:
    print('sum(1)', type(e), e)
try:
    print(sorted(1))
except Exception as e:
    print('sorted(1)', type(e), e)
try:
    print(min(1,2,key=len))
except Exception as e:
    print('min(1,2,key=len)', type(e), e)
try:
    print(gc.get_referents())
except Exception as e:
    print('gc.get_referents()', type(e), e)
try:
    print(gc.get_referrers())
except Exception as e:
    print('gc.get_referrers()', type(e), e)
try:
    print(gc.is_tracked())
except Exception as e:
    print('gc.is_tracked()', type(e), e)
try:
    print(gc.set_debug(1,2))
except Exception as e:
    print('gc.set_debug(1,2)', type(e), e)
try:
    print(gc.get_objects(generation=5))
except Exception as e:
    print('gc.get_objects(generation=5)', type(e), e)
try:
    print([1,2].index(2,-5))
except Exception as e:
    print('[1,2].index(2,-5)', type(e), e)
try:
    print([1,2].index(1,1))
except Exception as e:
    print('[1,2].index(1,1)', type(e), e)
try:
    print((1,2).index(3))
except Exception as e:
    print('(1,2).index(3)', type(e), e)
try:
    print([].remove(1))
except Exception as e:
    print('[].remove(1)', type(e), e)
try:
    print(gc.set_debug(0))
except Exception as e:
    print('gc.set_debug(0)', type(e), e)
try:
    print([1,2].count(1,2))
except Exception as e:
    print('[1,2].count(1,2)', type(e), e)
try:
    print({}.pop())
except Exception as e:
    print('{}.pop()', type(e), e)
try:
    print({}.setdefault())
except Exception as e:
    print('{}.setdefault()', type(e), e)
try:
    print({}.pop(1))
except Exception as e:
    print('{}.pop(1)', type(e), e)
try:
    print(dict(a=1).keys(1))
except Exception as e:
    print('dict(a=1).keys(1)', type(e), e)
try:
    print([1][1])
except Exception as e:
    print('[1][1]', type(e), e)
try:
    print(sorted([3,1],reverse=True, key=None))
except Exception as e:
    print('sorted([3,1],reverse=True, key=None)', type(e), e)
try:
    print(max([1,3,2], key=None))
except Exception as e:
    print('max([1,3,2], key=None)', type(e), e)
try:
    print(min('abc'))
except Exception as e:
    print("min('abc')", type(e), e)
try:
    print(sum([[1],[2]],[]))
except Exception as e:
    print('sum([[1],[2]],[])', type(e), e)
try:
    print(sum(range(4)))
except Exception as e:
    print('sum(range(4))', type(e), e)
try:
    print(gc.get_referents([1,2]))
except Exception as e:
    print('gc.get_referents([1,2])', type(e), e)
try:
    print([].pop())
except Exception as e:
    print('[].pop()', type(e), e)
try:
    print([1].pop(5))
except Exception as e:
    print('[1].pop(5)', type(e), e)
try:
    print([].insert('a',1))
except Exception as e:
    print("[].insert('a',1)", type(e), e)
try:
    print([].pop('a'))
except Exception as e:
    print("[].pop('a')", type(e), e)
try:
    print(list(1,2))
except Exception as e:
    print('list(1,2)', type(e), e)
try:
    print(int('x'))
except Exception as e:
    print("int('x')", type(e), e)
try:
    print((1).foo)
except Exception as e:
    print('(1).foo', type(e), e)
try:
    print([].foo)
except Exception as e:
    print('[].foo', type(e), e)
