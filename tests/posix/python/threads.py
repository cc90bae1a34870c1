# SPDX-License-Identifier: BSD-2-Clause
"""python3 on KaaL: threads (clone with thread flags, futex locks and
condition variables, thread exit), time, os.listdir and file I/O. Prints
the same lines on Linux and on KaaL (tests/system/test_posix_python.py)."""
import os
import threading
import time

DIR = "/tmp/pythreads"
os.makedirs(DIR, exist_ok=True)
results = []
lock = threading.Lock()
counter = 0


def worker(n):
    global counter
    path = os.path.join(DIR, "w%d.txt" % n)
    with open(path, "w") as f:
        f.write("worker %d\n" % n * (n + 1))
    for _ in range(200):
        with lock:  # contended: futex wait and wake
            counter += 1
    time.sleep(0.01 * n)
    with open(path) as f:
        line_count = len(f.read().splitlines())
    with lock:
        results.append((n, line_count, threading.get_ident() != main_ident))


main_ident = threading.get_ident()
threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
start = time.monotonic()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
print("joined", sorted(results))
print("counter", counter)
print("files", sorted(os.listdir(DIR)))
print("slept", elapsed >= 0.03)

# A condition variable across threads: a producer and a consumer.
cond = threading.Condition()
items = []


def consumer():
    with cond:
        while len(items) < 3:
            cond.wait(timeout=30)
    print("consumed", items)


c = threading.Thread(target=consumer)
c.start()
for i in range(3):
    with cond:
        items.append(i)
        cond.notify()
c.join()
print("alive", threading.active_count())
