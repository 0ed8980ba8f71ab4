# A small lock-heavy workload for examples/mutexwait.bt: four Python
# threads spinning for a quarter of a second take and hand over the
# interpreter lock (a pthread mutex) many times.
import threading
import time


def spin():
    end = time.time() + 0.25
    while time.time() < end:
        pass


threads = [threading.Thread(target=spin) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
