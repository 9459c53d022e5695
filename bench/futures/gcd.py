# The Python reference row of bench/futures.mjs: CPython's own ThreadPoolExecutor(2) and
# ProcessPoolExecutor(2) on the tutorial's 12 pairs (warm pools), against the serial loop,
# in alternating rounds. Prints one JSON object of per-round times in ms.
#
#   python3 bench/futures/gcd.py RUNS '[[543456, 43523465], ...]'
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def gcd(pair):
    a, b = pair
    low = min(a, b)
    for i in range(low, 0, -1):
        if a % i == 0 and b % i == 0:
            return i
    return 1


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


if __name__ == "__main__":
    runs = int(sys.argv[1])
    numbers = [tuple(p) for p in json.loads(sys.argv[2])]
    times = {"serial": [], "threadPool": [], "processPool": []}
    with ThreadPoolExecutor(max_workers=2) as threads, ProcessPoolExecutor(max_workers=2) as processes:
        # Warm pools: every worker started before the clock runs.
        list(threads.map(gcd, [(1, 1)] * 4))
        list(processes.map(gcd, [(1, 1)] * 4))
        for _ in range(runs):
            for name, run in (
                ("serial", lambda: list(map(gcd, numbers))),
                ("threadPool", lambda: list(threads.map(gcd, numbers))),
                ("processPool", lambda: list(processes.map(gcd, numbers))),
            ):
                ms, result = timed(run)
                assert result == [1, 4, 1, 10] * 3, result
                times[name].append(ms)
    print(json.dumps({"python": sys.version.split()[0], "times": times}))
