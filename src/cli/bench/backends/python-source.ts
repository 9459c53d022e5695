// The Python side of the `python` backend (and of the tour's section 5): the tutorial's own
// functions, run serially, on ThreadPoolExecutor(n) and on ProcessPoolExecutor(n). It is written
// to a temporary file and run with python3 (a file, not -c, so process pools can re-import it
// under any start method). The bench talks to it in JSON lines on stdin/stdout.

/** The script. */
export const PYTHON_SOURCE = String.raw`
import json, os, select, sys, time, warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

warnings.filterwarnings('ignore', category=DeprecationWarning)


# The tutorial's code (section 5 and section 2), unchanged.
def gcd(pair):
    a, b = pair
    low = min(a, b)
    for i in range(low, 0, -1):
        if a % i == 0 and b % i == 0:
            return i


def factorize(number):
    for i in range(1, number + 1):
        if number % i == 0:
            yield i


def slow_systemcall(seconds):
    select.select([], [], [], seconds)


# One argument tuple per task, as the bench sends them.
def brute_gcd_task(args):
    return gcd(args)


def factorize_task(args):
    return list(factorize(args[0]))


def euclid_task(args):
    a, b = args
    while b:
        a, b = b, a % b
    return a


def sleep_task(args):
    slow_systemcall(args[0] / 1000)


def nothing(_):
    return None


TASKS = {'bruteGcd': brute_gcd_task, 'factorize': factorize_task, 'gcd': euclid_task, 'sleep': sleep_task}


def checksum(results):
    total = 0
    for r in results:
        if r is None:
            total += 1
        elif isinstance(r, list):
            total += sum(r)
        else:
            total += r
    return total


def serve():
    loads = {}
    pools = {}

    def pool(mode, workers):
        key = (mode, workers)
        if key not in pools:
            cls = ThreadPoolExecutor if mode == 'threads' else ProcessPoolExecutor
            p = cls(max_workers=workers)
            list(p.map(nothing, range(workers)))  # start the workers before any timing
            pools[key] = p
        return pools[key]

    def handle(req):
        op = req['op']
        if op == 'hello':
            return {'version': sys.version.split()[0], 'cpus': os.cpu_count()}
        if op == 'calibrate':
            a = 200000
            best = min(timed(lambda: gcd((a, a + 1))) for _ in range(3))
            return {'nsPerIteration': best * 1e9 / a}
        if op == 'load':
            loads[req['key']] = (TASKS[req['kernel']], [tuple(x) for x in req['args']])
            return {}
        fn, items = loads[req['key']]
        if op == 'pertask':
            best = [float('inf')] * len(items)
            for _ in range(3):
                slow = False
                for i, item in enumerate(items):
                    t = timed(lambda: fn(item))
                    best[i] = min(best[i], t)
                    slow = slow or t > 0.1
                if slow:
                    break
            return {'ms': [t * 1000 for t in best]}
        if op == 'run':
            mode = req['mode']
            if mode == 'serial' and req.get('timeEach'):
                # Each task timed on its own (the per-task times of the makespan bound, from
                # this run instead of a separate pass): the loop adds well under a microsecond per task.
                results, each = [], []
                start = time.perf_counter()
                for item in items:
                    t = time.perf_counter()
                    results.append(fn(item))
                    each.append((time.perf_counter() - t) * 1000)
                ms = (time.perf_counter() - start) * 1000
                return {'ms': ms, 'checksum': checksum(results), 'perTaskMs': each}
            if mode == 'serial':
                start = time.perf_counter()
                results = list(map(fn, items))
            else:
                p = pool(mode, req['workers'])
                start = time.perf_counter()
                results = list(p.map(fn, items))
            ms = (time.perf_counter() - start) * 1000
            return {'ms': ms, 'checksum': checksum(results)}
        raise ValueError('unknown op %r' % op)

    try:
        for line in sys.stdin:
            req = json.loads(line)
            if req['op'] == 'quit':
                break
            try:
                reply = dict(handle(req), ok=True)
            except Exception as e:
                reply = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
            sys.stdout.write(json.dumps(reply) + '\n')
            sys.stdout.flush()
    finally:
        for p in pools.values():
            p.shutdown(wait=True, cancel_futures=True)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def tour(workers):
    # Section 5 as the notebook runs it: the 12 pairs serially, then on each pool.
    numbers = [(543456, 43523465), (324435212, 23342412), (1232412324, 890789), (7134890, 873490)] * 3
    start = time.time()
    results = list(map(gcd, numbers))
    end = time.time()
    print('Python serial: took %.3f seconds' % (end - start), flush=True)
    for cls in (ThreadPoolExecutor, ProcessPoolExecutor):
        start = time.time()
        pool = cls(max_workers=workers)
        results = list(pool.map(gcd, numbers))
        end = time.time()
        pool.shutdown()
        print('Python %s(max_workers=%d): took %.3f seconds' % (cls.__name__, workers, end - start), flush=True)
    print(', '.join(str(r) for r in results), flush=True)


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--tour':
        tour(int(sys.argv[2]))
    else:
        serve()
`;
