# A linked list of 200000 instances, each pointing at the next through an
# attribute: freeing the head frees them all without deep recursion.
# Step 6 The trashcan.
class Node:
    pass
head = None
for i in range(200000):
    n = Node()
    n.i = i
    n.next = head
    head = n
del n
print(head.i, head.next.i)
head = None
print("freed")
