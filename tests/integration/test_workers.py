"""What every worker shares (shared/worker.c), shown on dh-statistics: status
rows, one active instance per kind with a standby that takes over, --once,
surviving a database outage without exiting, and a clean SIGTERM."""
import json
import os
import signal
import time

import compat_status
import harness
import test_compat


def status_row(st, worker):
    rc, out, _ = st.psql("SELECT row_to_json(s) FROM dh_worker_status s WHERE worker = '%s'" % worker)
    return json.loads(out) if rc == 0 and out else {}


def check_status(t, st):
    states = st.status()
    t.check("dh-statistics RUNNING in group workers", states.get("workers:dh-statistics") == "RUNNING", states)
    row = st.wait_for(lambda: (lambda r: r if r.get("cycles", 0) >= 1 else None)(status_row(st, "statistics")))
    t.check("status row after a cycle: sleeping, next run in 600 s with its reason",
            row and row["state"] == "sleeping" and row["interval_s"] == 600
            and row["interval_reason"] == "every 10 min" and row["last_success_at"], row)
    rc, out, _ = st.psql("SELECT count(*) FILTER (WHERE ok), count(*) FROM dh_worker_runs WHERE worker = 'statistics'")
    t.check("one dh_worker_runs row per cycle", rc == 0 and out.split("|")[0] == out.split("|")[1] != "0", out)
    rc, out, _ = st.psql("SELECT string_agg(kind || '=' || (body->>'generated_at'), ',' ORDER BY kind)"
                         " FROM dh_stats_snapshots")
    t.check("snapshots for live and historical, dated by DH_NOW",
            rc == 0 and out == "historical=2025-10-14T12:00:00+00:00,live=2025-10-14T12:00:00+00:00", out)
    r = st.get("/api/statistics?table=all")
    problems = []
    for field, want in compat_status.STATISTICS.items():    # no data here: lists may be empty
        problems += test_compat.field_errors(r.json() if r.status == 200 else {}, field, want.replace("!", ""))
    t.check("the worker's snapshots give /api/statistics the original's nested shape (compat_status)",
            r.status == 200 and not problems, problems[:5])


def check_arguments(t, st):
    p = st.run_binary("dh-statistics", "--once")
    t.check("--once while the daemon runs: exit 75, lock held", p.returncode == 75
            and "advisory lock" in p.stderr, (p.returncode, p.stderr[-300:]))
    p = st.run_binary("dh-statistics", "--bogus")
    t.check("unknown argument: usage, exit 64", p.returncode == 64 and "usage" in p.stderr, p.stderr)
    p = st.run_binary("dh-statistics", "--once", LOG_LEVEL="chatty")
    t.check("bad setting: exit 78 naming it", p.returncode == 78 and "LOG_LEVEL" in p.stderr, p.stderr)


def check_standby(t, st):
    """A second copy waits; when the first goes, it takes over."""
    standby, log = st.spawn_binary("dh-statistics")
    time.sleep(2)
    with open(log) as f:
        said = "standby" in f.read()
    t.check("a second copy waits and says so", said and standby.poll() is None)
    st.ctl("stop", "workers:dh-statistics")
    took = st.wait_for(lambda: status_row(st, "statistics").get("pid") == standby.pid
                       and status_row(st, "statistics").get("state") == "sleeping", timeout=20)
    t.check("the standby takes over within 20 s of the first stopping", took, status_row(st, "statistics"))
    t0 = time.monotonic()
    standby.send_signal(signal.SIGTERM)
    try:
        code = standby.wait(timeout=10)
    except Exception:
        code = None
    t.check("SIGTERM: exit 0 within 10 s (%.1f s)" % (time.monotonic() - t0), code == 0, code)
    t.check("state recorded as stopped", status_row(st, "statistics").get("state") == "stopped",
            status_row(st, "statistics"))


def check_database_outage(t, st):
    """A worker started while the database is down stays up, retrying, and
    runs as soon as the database is back."""
    st.ctl("stop", "postgres")
    st.ctl("start", "workers:dh-statistics")
    pid = st.pid("workers:dh-statistics")
    time.sleep(5)
    t.check("database down: the worker stays RUNNING, retrying", pid and st.pid("workers:dh-statistics") == pid
            and st.status().get("workers:dh-statistics") == "RUNNING", st.status())
    st.ctl("start", "postgres")
    ok = st.wait_for(lambda: status_row(st, "statistics").get("pid") == pid
                     and status_row(st, "statistics").get("state") == "sleeping", timeout=40)
    t.check("database back: the same process runs its cycle", ok, status_row(st, "statistics"))


def run(t):
    st = harness.Stack("workers", DH_NOW="2025-10-14T12:00:00Z")
    failed_before = t.failed
    try:
        st.start()
        t.area(check_status, t, st)
        t.area(check_arguments, t, st)
        t.area(check_standby, t, st)
        t.area(check_database_outage, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
