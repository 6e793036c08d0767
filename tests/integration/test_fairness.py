"""One client cannot starve the others (issue 16, item 3): client A loops the
most expensive query the API allows (measured here among the heavy
candidates, each with the largest limit), uncached, at the permitted rate
(DH_API_RATE_LIMIT, the default 50/s); client B's single-row lookups keep
their p99 within 2x of what they are with A idle.  A and B are two loopback
addresses, so nginx's per-client limits see two clients.  The stack has no
micro-cache (DH_API_CACHE=off): the worst case, as if A varied the
parameters the cache key is made of."""
import http.client
import random
import threading
import time

import harness
import test_api

RATE = 50            # the default DH_API_RATE_LIMIT
A_ADDR, B_ADDR = "127.0.0.2", "127.0.0.3"

# Heavy requests every endpoint allows: the largest page, the longest range.
CANDIDATES = [
    "/api/live-odds?limit=1000",
    "/api/historical-odds?limit=1000",
    "/api/historical-odds?year=2025&limit=1000&offset=10000",
    "/api/masters/runners?limit=1000",
    "/api/masters/horses?limit=1000&offset=10000",
    "/api/masters/horses?name=a&limit=1000",
    "/api/historical-odds/coverage?from=2024-10-14&to=2025-10-13",
    "/api/live-odds/races-by-stage",
    "/api/live-odds/upcoming-races?hours_ahead=168",
    "/api/historical-odds/summary",
]


class Client:
    """Kept-alive HTTP from one source address, paced to a rate."""

    def __init__(self, st, source, rate):
        self.st, self.source, self.interval = st, source, 1.0 / rate
        self.conn = None

    def get(self, path):
        for _ in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.st.http_port, timeout=30,
                                                       source_address=(self.source, 0))
            try:
                t0 = time.monotonic()
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                r.read()
                return r.status, time.monotonic() - t0, r.getheader("X-Query-Time")
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
        return 0, 0.0, None

    def loop(self, paths, seconds, stop=None):
        """Requests paths in turn at the client's rate for seconds (or until stop); their latencies."""
        out = []
        end = time.monotonic() + seconds
        nxt = time.monotonic()
        i = 0
        while time.monotonic() < end and not (stop and stop.is_set()):
            status, took, _ = self.get(paths(i))
            out.append((status, took))
            i += 1
            nxt += self.interval
            time.sleep(max(0.0, nxt - time.monotonic()))
        return out


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else 0.0


def costliest(a):
    """The candidate with the largest server time (X-Query-Time), uncached."""
    worst, worst_ms = None, -1.0
    for path in CANDIDATES:
        times = []
        for n in range(3):
            sep = "&" if "?" in path else "?"
            status, _, qt = a.get("%s%sfairness=%d" % (path, sep, time.monotonic_ns()))
            if status == 200 and qt:
                times.append(float(qt))
        ms = sorted(times)[len(times) // 2] if times else -1.0
        print("      %-64s %7.1f ms" % (path, ms), flush=True)
        if ms > worst_ms:
            worst, worst_ms = path, ms
    return worst, worst_ms


def check_fairness(t, st):
    a, b = Client(st, A_ADDR, RATE), Client(st, B_ADDR, 40)
    horses = ["hrs_%d" % (1000000 + i) for i in range(1, 20001)]
    rnd = random.Random(16)

    def lookup(_):
        return "/api/masters/horses/%s?fairness=%d" % (rnd.choice(horses), time.monotonic_ns())
    b.loop(lookup, 2)                                   # warm every process's statements
    path, ms = costliest(a)
    t.check("the costliest request found (%s, %.1f ms server time)" % (path, ms), path is not None and ms > 0)
    sep = "&" if "?" in path else "?"

    def heavy(i):
        return "%s%sfairness=%d" % (path, sep, time.monotonic_ns())
    base, loaded, a_statuses = [], [], []
    for _ in range(3):                                  # alternate, so machine noise hits both alike
        base += [took for status, took in b.loop(lookup, 4) if status == 200]
        stop = threading.Event()
        res = []
        th = threading.Thread(target=lambda: res.extend(a.loop(heavy, 60, stop)))
        th.start()
        time.sleep(0.5)
        loaded += [took for status, took in b.loop(lookup, 4) if status == 200]
        stop.set()
        th.join()
        a_statuses += [status for status, _ in res]
    a_ok = a_statuses.count(200)
    print("      A: %d requests of %s at up to %d/s: %d answered 200, %d refused 429"
          % (len(a_statuses), path, RATE, a_ok, a_statuses.count(429)), flush=True)
    print("      B lookups: idle p50 %.1f ms p99 %.1f ms (%d); with A p50 %.1f ms p99 %.1f ms (%d)"
          % (p(base, 0.5), p(base, 0.99), len(base), p(loaded, 0.5), p(loaded, 0.99), len(loaded)), flush=True)
    t.check("client A was served at the permitted rate (%d of %d answered)" % (a_ok, len(a_statuses)),
            a_ok > 0)
    t.check("client B's lookups keep p99 within 2x of normal while A loops the costliest query "
            "(%.1f ms vs %.1f ms)" % (p(loaded, 0.99), p(base, 0.99)),
            len(base) > 100 and len(loaded) > 100 and p(loaded, 0.99) <= 2 * max(p(base, 0.99), 5.0),
            (p(base, 0.99), p(loaded, 0.99)))


def run(t):
    st = harness.Stack("fairness", DH_NOW=test_api.NOW, DH_WORKERS="none", DH_API_RATE_LIMIT=RATE,
                       DH_API_CONN_LIMIT=8, DH_API_CACHE="off")   # the defaults, uncached
    failed_before = t.failed
    try:
        st.start()
        rc, _, err = st.psql(test_api.fixture_sql())
        if not t.check("fixture: a full racing day and its history loaded", rc == 0, err):
            return
        t.area(check_fairness, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
