"""Several API hosts (issue 7): two dh-api pools listening for FastCGI over TCP
on different loopback addresses, as on two hosts, behind one nginx; the
allowed peers are limited with FCGI_WEB_SERVER_ADDRS; one pool stops under
load and no request fails."""
import os
import re
import shutil
import signal
import subprocess
import time

import harness

HOST_A, HOST_B = "127.0.0.2", "127.0.0.3"
NGINX_ADDR = "127.0.0.1"     # the address nginx connects from on loopback
STRANGER = "127.0.0.9"       # any other peer


def upstreams_used(st, since=0):
    """{upstream address: requests} from the access log, from byte offset since."""
    path = os.path.join(st.var, "log", "nginx-access.log")
    counts = {}
    with open(path, errors="replace") as f:
        f.seek(since)
        # $upstream_addr ends the line; a request nginx retried lists every
        # server it tried, "a:p, b:p" (and " : " between upstream groups).
        for m in re.finditer(r"upstream=(.*)$", f.read(), re.M):
            for addr in re.split(r", | : ", m.group(1).strip()):
                counts[addr] = counts.get(addr, 0) + 1
    return counts


def log_size(st):
    try:
        return os.path.getsize(os.path.join(st.var, "log", "nginx-access.log"))
    except OSError:
        return 0


def wrk(st, seconds, path="/api/health"):
    return subprocess.Popen(["wrk", "-t", "2", "-c", "16", "-d", "%ds" % seconds, "--latency",
                             "http://127.0.0.1:%d%s" % (st.http_port, path)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_summary(out):
    """(requests, non-2xx, socket errors) from wrk's output."""
    requests = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (int(requests.group(1)) if requests else 0, int(non2xx.group(1)) if non2xx else 0,
            sum(int(x) for x in errors.groups()) if errors else 0)


def flush_access_log(st):
    # buffer=64k flush=1s: wait for nginx to write what it has.
    time.sleep(1.5)


def check_migrate_check(t, a):
    migrations = os.path.join(harness.ROOT, "sql", "migrations")
    p = a.run_binary("dh-migrate", "--check", "--dir", migrations)
    t.check("dh-migrate --check with the writer role: schema current, exit 0",
            p.returncode == 0 and "schema is current" in p.stderr, p.stderr[-300:])
    ahead = os.path.join(a.dir, "migrations-ahead")
    shutil.copytree(migrations, ahead)
    with open(os.path.join(ahead, "9999_future.sql"), "w") as f:
        f.write("CREATE TABLE future (id int);\n")
    p = a.run_binary("dh-migrate", "--check", "--dir", ahead)
    rc, out, _ = a.psql("SELECT to_regclass('future') IS NULL")
    t.check("dh-migrate --check with a newer migration: exit 1 naming it, nothing applied",
            p.returncode == 1 and "9999_future.sql is not applied" in p.stderr
            and "schema is behind" in p.stderr and out == "t", p.stderr[-400:])


def check_host_b(t, b):
    states = b.status()
    t.check("host B runs dh-api and nginx only (no database, no workers)",
            sorted(states) == ["dh-api:dh-api_00", "dh-api:dh-api_01", "dh-api:dh-api_02",
                               "dh-api:dh-api_03", "nginx"], states)


def check_peers(t, a, port_a, port_b):
    # The peer restriction, straight to each pool over FastCGI.
    for name, host, port in (("A", HOST_A, port_a), ("B", HOST_B, port_b)):
        out = harness.fcgi_get(host, port, "/health", source=NGINX_ADDR)
        t.check("pool %s answers FastCGI from the nginx address %s" % (name, NGINX_ADDR),
                out.startswith(b"Status: 200"), out[:200])
        out = harness.fcgi_get(host, port, "/health", source=STRANGER)
        t.check("pool %s closes a connection from %s without answering" % (name, STRANGER),
                out == b"", out[:200])
    t.check("the unix socket is not there when DH_API_LISTEN is set",
            not os.path.exists(os.path.join(a.var, "run", "dh-api.sock")))


def check_spread(t, a, port_a, port_b):
    # Both pools serve requests through host A's nginx.
    start = log_size(a)
    for _ in range(40):
        a.get("/api/health")
    flush_access_log(a)
    used = upstreams_used(a, start)
    t.check("nginx spreads requests over both pools", used.get("%s:%d" % (HOST_A, port_a), 0) > 5
            and used.get("%s:%d" % (HOST_B, port_b), 0) > 5, used)


def check_pool_stop(t, a, b, port_a, port_b):
    # Stop pool B under load: nothing fails, traffic moves to A.
    load = wrk(a, 8)
    time.sleep(3)
    b.ctl("stop", "dh-api:*")
    # The access log is buffered (flush=1s): lines of requests B served before
    # the stop may still be written after it; count only from after a flush.
    flush_access_log(a)
    stopped_at = log_size(a)
    out, _ = load.communicate(timeout=60)
    total, non2xx, errors = wrk_summary(out)
    print("      wrk over both pools, pool B stopped after 3 s: %d requests, %d non-2xx, %d socket errors"
          % (total, non2xx, errors), flush=True)
    t.check("no failed request while pool B stopped (%d requests)" % total,
            total > 1000 and non2xx == 0 and errors == 0, out[-600:])
    flush_access_log(a)
    used = upstreams_used(a, stopped_at)
    # upstream_addr lists every server a request tried: B appears only for
    # requests it refused and nginx then sent to A (at most those in flight).
    a_count = used.get("%s:%d" % (HOST_A, port_a), 0)
    b_count = used.get("%s:%d" % (HOST_B, port_b), 0)
    t.check("after the stop the requests went to pool A (%d), B only tried for %d"
            % (a_count, b_count), a_count > 100 and b_count <= 16 and set(used) <= {
                "%s:%d" % (HOST_A, port_a), "%s:%d" % (HOST_B, port_b)}, used)

    # Pool B back: nginx sends it traffic again after fail_timeout (10 s).
    b.ctl("start", "dh-api:*")

    def b_serves():
        start = log_size(a)
        for _ in range(20):
            a.get("/api/health")
        flush_access_log(a)
        used = upstreams_used(a, start)
        return used.get("%s:%d" % (HOST_B, port_b), 0) > 0
    t.check("pool B takes requests again once restarted", a.wait_for(b_serves, 30, interval=1))


def check_host_killed(t, a, b):
    # Host B dies (SIGKILL to its supervisord and pool): at most the
    # requests in flight fail (wrk keeps 16 open), and nginx retries those
    # it can on pool A.
    pids = [b.supervisord_pid()] + [b.pid("dh-api:dh-api_%02d" % i) for i in range(4)]
    load = wrk(a, 6)
    time.sleep(2)
    for pid in pids:
        if pid:
            os.kill(pid, signal.SIGKILL)
    out, _ = load.communicate(timeout=60)
    total, non2xx, errors = wrk_summary(out)
    print("      wrk over both pools, host B killed after 2 s: %d requests, %d non-2xx, %d socket errors"
          % (total, non2xx, errors), flush=True)
    t.check("host B killed under load: failures at most the 16 in flight (%d)" % (non2xx + errors),
            total > 1000 and non2xx + errors <= 16, out[-600:])
    b.started = False
    with open(os.path.join(b.var, "run", "nginx.pid")) as f:
        os.kill(int(f.read().strip()), signal.SIGTERM)   # left behind by its supervisord


def run(t):
    port_a, port_b = harness.free_port(), harness.free_port()
    upstreams = "%s:%d,%s:%d" % (HOST_A, port_a, HOST_B, port_b)
    # wrk drives /api/health (uncached, rate-limited per client) past 1,000/s.
    a = harness.Stack("hosts", DH_WORKERS="none", DH_API_LISTEN="%s:%d" % (HOST_A, port_a),
                      DH_API_UPSTREAMS=upstreams, FCGI_WEB_SERVER_ADDRS=NGINX_ADDR, DH_API_RATE_LIMIT=1000000)
    b = None
    failed_before = t.failed
    try:
        a.start()
        # Host B: an API-only host on the same database, its pool on another address;
        # with no schema owner's URL it checks the schema (dh-migrate --check).
        b = harness.Stack("hosts-b", DH_WORKERS="none", DH_API_LISTEN="%s:%d" % (HOST_B, port_b),
                          FCGI_WEB_SERVER_ADDRS=NGINX_ADDR, DATABASE_URL=a.role_url("dh_writer"),
                          DATABASE_READ_URL=a.role_url("dh_reader"))
        b.start()
        t.area(check_migrate_check, t, a)
        t.area(check_host_b, t, b)
        t.area(check_peers, t, a, port_a, port_b)
        t.area(check_spread, t, a, port_a, port_b)
        t.area(check_pool_stop, t, a, b, port_a, port_b)
        t.area(check_host_killed, t, a, b)
    finally:
        if t.failed > failed_before:
            a.keep_logs()
            if b is not None:
                b.keep_logs()
        if b is not None:
            b.cleanup()
        a.cleanup()
