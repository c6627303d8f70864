# Step 3 Ownership in lists, Step 4 Ownership in dicts.
# A work queue: jobs are taken from the front and the middle of a list, and
# their records are deleted from a dict as they finish.  Every job object
# must die exactly when its last reference goes, and nothing may be left.
class Job:
    pass

queue = []
records = {}
for n in range(8):
    job = Job()
    job.n = n
    job.tags = ["job", str(n)]
    queue.append(job)
    records[n] = job
del job

done = []
while queue:
    if len(queue) > 3:
        job = queue.pop(len(queue) // 2)
    else:
        job = queue.pop(0)
    done.append(job.n)
    del records[job.n]
    print(job.n, len(queue), sorted(records.keys()))
del job
print(done)
print(len(records), records)
