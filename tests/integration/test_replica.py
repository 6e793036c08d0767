"""Reads from a streaming replica (issue 7): the stack's cluster is the
primary; a real hot standby made with pg_basebackup -R runs beside it on its
own socket.  Workers write to the primary (DATABASE_URL), dh-api reads from
the replica (DATABASE_READ_URL), and falls back to the primary while the
replica is down, then comes back to it."""
import glob
import json
import os
import pwd
import signal
import subprocess
import threading
import time

import harness

NOW = "2025-10-14T11:00:00Z"       # a Tuesday with GB and IRE meetings
BYPASS = {"Authorization": "Bearer x"}   # nginx skips its micro-cache for these (admin routes only)


def pg_bin(name):
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/" + name))
    return found[-1] if found else name


class Replica:
    """A hot standby of the stack's cluster, run as the postgres OS user."""

    def __init__(self, st):
        self.st = st
        self.data = os.path.join(st.dir, "replica")
        self.sock = os.path.join(st.dir, "replica-run")
        self.log = os.path.join(self.sock, "postgres.log")
        self.port = harness.free_port()
        pg = pwd.getpwnam("postgres")
        for d in (self.data, self.sock):
            os.makedirs(d, mode=0o700)
            os.chown(d, pg.pw_uid, pg.pw_gid)
        # dh-api runs as darkhorses (issue 16): it must reach the replica's socket, as the primary's.
        os.chmod(self.sock, 0o755)

    def as_pg(self, *args, timeout=120):
        return subprocess.run(["runuser", "-u", "postgres", "--"] + list(args),
                              capture_output=True, text=True, timeout=timeout)

    def create(self):
        return self.as_pg(pg_bin("pg_basebackup"), "-D", self.data, "-R", "-X", "stream", "-c", "fast",
                          "-h", os.path.join(self.st.var, "run", "pg"), "-U", "postgres")

    def start(self):
        # The copied darkhorses.conf names the primary's socket directory:
        # the command line takes precedence.
        return self.as_pg(pg_bin("pg_ctl"), "-D", self.data, "-w", "-t", "60", "-l", self.log,
                          "-o", "-p %d -k %s" % (self.port, self.sock), "start")

    def stop(self):
        return self.as_pg(pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, user="postgres", password=None):
        auth = user + (":" + password if password else "")
        return "postgresql://%s@/darkhorses?host=%s&port=%d" % (auth, self.sock, self.port)

    def psql(self, sql):
        p = self.as_pg("psql", "-X", "-q", "-tA", "-d", self.url(), "-c", sql, timeout=30)
        return p.stdout.strip() if p.returncode == 0 else None


def api_connections(psql):
    out = psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dh-api'")
    return int(out) if out and out.isdigit() else -1


def api_roles(psql):
    """The roles dh-api's sessions use, e.g. "dh_reader"."""
    return psql("SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE application_name = 'dh-api'")


def api_log_lines(st, text):
    """How many lines of each dh-api process's log contain text."""
    counts = []
    for path in sorted(glob.glob(os.path.join(st.var, "log", "dh-api_*.log"))):
        with open(path, errors="replace") as f:
            counts.append(sum(1 for line in f if text in line))
    return counts


def api_log(st):
    text = ""
    for path in glob.glob(os.path.join(st.var, "log", "dh-api_*.log")):
        with open(path, errors="replace") as f:
            text += f.read()
    return text


def hammer(st, seconds, threads=4):
    """GET /health from several threads for a while; returns (total, statuses that were not 200)."""
    bad, total = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def loop():
        while time.monotonic() < deadline:
            status = st.get("/api/health", timeout=10).status
            with lock:
                total[0] += 1
                if status != 200:
                    bad.append(status)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for w in workers:
        w.start()
    return workers, total, bad


class Session:
    """One long-lived psql, one line of output a statement: timing without process starts."""

    def __init__(self, argv):
        self.p = subprocess.Popen(argv + ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, bufsize=1)

    def one(self, sql):
        self.p.stdin.write(sql.rstrip(";") + ";\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self):
        self.p.stdin.close()
        self.p.wait(timeout=10)


def replication_lag(st, replica, probes=50):
    """Milliseconds from a commit on the primary to its row being visible on the replica."""
    primary = Session(["psql", st.admin_url()])
    standby = Session(["runuser", "-u", "postgres", "--", "psql", "-d", replica.url()])
    try:
        primary.one("CREATE TABLE IF NOT EXISTS replica_probe (n int PRIMARY KEY); SELECT 1")
        deadline = time.monotonic() + 10
        while standby.one("SELECT to_regclass('public.replica_probe') IS NOT NULL") != "t":
            if time.monotonic() > deadline:
                return [None] * probes
            time.sleep(0.01)
        lags = []
        for n in range(probes):
            t0 = time.monotonic()
            primary.one("INSERT INTO replica_probe VALUES (%d) RETURNING n" % n)
            seen = None
            while time.monotonic() - t0 < 10:
                if standby.one("SELECT count(*) FROM replica_probe WHERE n = %d" % n) == "1":
                    seen = time.monotonic()
                    break
            lags.append((seen - t0) * 1000 if seen else None)
            time.sleep(0.02)
        return lags
    finally:
        primary.close()
        standby.close()


def check_reads(t, st, replica):
    for _ in range(8):
        st.get("/api/health")
    t.check("dh-api reads from the replica as dh_reader", api_roles(replica.psql) == "dh_reader",
            api_roles(replica.psql))
    t.check("dh-api's connections are on the replica",
            api_connections(replica.psql) >= 1
            and api_connections(lambda sql: st.psql(sql)[1]) == 0,
            (api_connections(replica.psql), st.psql("SELECT application_name FROM pg_stat_activity")))
    rc, out, _ = st.psql("SELECT string_agg(DISTINCT application_name, ',' ORDER BY application_name)"
                         " FROM pg_stat_activity WHERE application_name LIKE 'dh-%'")
    t.check("the workers write to the primary", rc == 0 and "dh-live" in out and "dh-masters" in out, out)


def check_worker_data(t, st, replica):
    # Data the workers write shows through the API, read from the replica.
    def live_cycle_seen():
        body = st.get("/api/scheduler-status", headers=BYPASS).json() or {}
        live = [w for w in body.get("workers", []) if w.get("worker") == "live"]
        return live and live[0].get("last_success_at")
    seen = st.wait_for(live_cycle_seen, 60)
    rc, written, _ = st.psql("SELECT to_json(last_success_at) #>> '{}' FROM dh_worker_status WHERE worker = 'live'")
    t.check("dh-live's status row, written on the primary, reaches the API through the replica",
            seen and rc == 0 and written[:19] == seen[:19], (seen, written))
    # Each poll its own page size: nginx's micro-cache keys on the route's parameters.
    polls = iter(range(1000, 0, -1))
    courses = st.wait_for(lambda: (lambda r: r if r.status == 200 and len(r.body) > 200 else None)(
        st.get("/api/masters/courses?limit=%d" % next(polls))), 90)
    t.check("masters written by dh-masters are served from the replica", courses is not None,
            courses)
    rc, n_primary, _ = st.psql("SELECT count(*) FROM ra_courses")
    n_replica = replica.psql("SELECT count(*) FROM ra_courses")
    t.check("replica has what the primary has (ra_courses %s = %s)" % (n_primary, n_replica),
            rc == 0 and n_primary == n_replica and n_primary != "0")


def check_lag(t, st, replica):
    lags = replication_lag(st, replica)
    seen = sorted(x for x in lags if x is not None)
    rc, replay, _ = st.psql("SELECT coalesce(replay_lag::text, '0') FROM pg_stat_replication")
    if seen:
        print("      replication lag, commit on the primary to the row visible on the replica, "
              "%d probes: median %.2f ms, p90 %.2f ms, max %.2f ms (pg_stat_replication replay_lag %s)"
              % (len(seen), seen[len(seen) // 2], seen[len(seen) * 9 // 10], seen[-1], replay), flush=True)
    t.check("every probe row reached the replica within 10 s", len(seen) == len(lags), lags)


def check_replica_gone(t, st, replica):
    # The replica goes away: the API keeps answering from the primary.
    pids = {k: v for k, v in st.status().items() if k.startswith("dh-api")}
    pids = {name: st.pid(name) for name in pids}
    workers, total, bad = hammer(st, 4)
    time.sleep(1)
    p = replica.stop()
    for w in workers:
        w.join()
    t.check("replica stopped", p.returncode == 0, p.stderr[-300:])
    t.check("no failed request while the replica stopped (%d requests)" % total[0],
            total[0] > 20 and not bad, bad[:10])
    t.check("dh-api processes kept running (no restart)",
            {name: st.pid(name) for name in pids} == pids and None not in pids.values(), pids)
    switched = api_log_lines(st, "cannot reach DATABASE_READ_URL")
    t.check("the switch is logged, at most once per process (%s)" % switched,
            sum(switched) >= 1 and max(switched) == 1
            and "reading from the primary (DATABASE_URL's server) until it is back" in api_log(st),
            api_log(st)[-600:])
    r = st.get("/api/health")
    t.check("/health 200 from the primary", r.status == 200, r)
    roles = api_roles(lambda sql: st.psql(sql)[1])
    t.check("dh-api now reads from the primary, still as dh_reader (never the writer)",
            roles == "dh_reader", roles)
    metrics = st.get("/metrics").body.decode()
    fallback = [l for l in metrics.splitlines() if l.startswith("dh_api_db_fallback_requests_total ")]
    t.check("/metrics counts requests answered from the fallback",
            fallback and int(fallback[0].split()[1]) > 0, fallback)


def check_replica_hung(t, st, replica):
    # The replica comes back hung (SIGSTOP on its postmaster: connections
    # are accepted and never answered).  Every process is on the primary by
    # now; their tries of the replica must not hold up any request.
    p = replica.start()
    t.check("replica restarted", p.returncode == 0, p.stderr[-300:])
    with open(os.path.join(replica.data, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    os.kill(postmaster, signal.SIGSTOP)
    try:
        slowest, statuses = 0.0, set()
        deadline = time.monotonic() + 25
        while time.monotonic() < deadline:
            t0 = time.monotonic()
            statuses.add(st.get("/api/health", timeout=30).status)
            slowest = max(slowest, time.monotonic() - t0)
        print("      replica hung for 25 s: slowest /api/health %.0f ms" % (slowest * 1000), flush=True)
        t.check("a hung replica: every request 200, none slower than 1 s (slowest %.0f ms)"
                % (slowest * 1000), statuses == {200} and slowest < 1.0, statuses)
    finally:
        os.kill(postmaster, signal.SIGCONT)


def check_replica_back(t, st, replica):
    # The replica answers again: dh-api returns to it by itself (tried every 10 s).

    def back():
        for _ in range(8):
            st.get("/api/health")
        return (api_connections(replica.psql) == 4
                and api_connections(lambda sql: st.psql(sql)[1]) == 0)
    t.check("every dh-api process returns to the replica within 30 s, none left on the primary",
            st.wait_for(back, 30, interval=1),
            (api_connections(replica.psql), api_connections(lambda sql: st.psql(sql)[1])))
    t.check("and says so", "DATABASE_READ_URL is reachable again" in api_log(st))


def run(t):
    st = harness.Stack("replica", DH_NOW=NOW, DH_MASTERS_BACKFILL_DAYS=1, DH_API_RATE_LIMIT=1000000)
    replica = Replica(st)
    failed_before = t.failed
    try:
        st.start()
        p = replica.create()
        if not t.check("pg_basebackup -R of the stack's cluster", p.returncode == 0, p.stderr[-600:]):
            return
        p = replica.start()
        if not t.check("replica starts on its own socket", p.returncode == 0, p.stderr[-600:]):
            return
        t.check("replica is a hot standby (pg_is_in_recovery)", replica.psql("SELECT pg_is_in_recovery()") == "t")
        rc, out, _ = st.psql("SELECT state FROM pg_stat_replication")
        t.check("primary streams to it (pg_stat_replication)", rc == 0 and out == "streaming", out)

        # dh-api on the replica, workers on the primary.
        reader_url = replica.url("dh_reader", st.secrets()["READER_PASSWORD"])
        st.stop()
        st.env["DATABASE_READ_URL"] = reader_url
        st.start()
        t.area(check_reads, t, st, replica)
        t.area(check_worker_data, t, st, replica)
        t.area(check_lag, t, st, replica)
        t.area(check_replica_gone, t, st, replica)
        t.area(check_replica_hung, t, st, replica)
        t.area(check_replica_back, t, st, replica)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        replica.stop()
        st.cleanup()
