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

NOW = "2025-10-14T12:00:00Z"

# Results of sixty days (some columns NULL now and then) and two days of price history.
DATA = """
INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, country, course_id, course, horse_name,
                                jockey, trainer, position, sp_dec, bookmaker_count, price_min, price_max,
                                price_mean)
SELECT 'rac_w' || d || '_' || k, 'hrs_w' || (d * 7 + n) %% 400, date '2025-10-14' - d, time '13:00',
       CASE WHEN n %% 9 = 0 THEN NULL WHEN k %% 4 = 0 THEN 'IRE' ELSE 'GB' END,
       CASE WHEN n = 11 THEN NULL ELSE 'crs_w' || k %% 7 END, CASE WHEN n = 12 THEN NULL ELSE 'Course ' || k %% 7 END,
       'Horse ' || (d * 7 + n) %% 400, CASE WHEN n %% 13 = 0 THEN NULL ELSE 'Jockey ' || (d + n) %% 90 END,
       'Trainer ' || (d * 3 + n) %% 70, CASE WHEN n = 10 THEN NULL ELSE n::text END,
       CASE WHEN n %% 8 = 0 THEN NULL ELSE 2 + n END, 20 + n %% 5, 2 + n, 3 + n, 2.5 + n
FROM generate_series(1, 60) d, generate_series(1, 6) k, generate_series(1, 12) n
ON CONFLICT DO NOTHING;
INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal)
SELECT 'rac_w' || r, 'hrs_w' || h, 'bet365', timestamptz '%(now)s' - make_interval(mins => m * 7), '2/1', 3.0
FROM generate_series(1, 5) r, generate_series(1, 12) h, generate_series(0, 410) m;
""" % {"now": NOW}

# Rows of dh_historical_counts that differ from the counts made afresh from ra_odds_historical.
COUNTS_DRIFT = """
SELECT count(*) FROM dh_historical_counts h FULL JOIN
  (SELECT c.kind, c.value, sum(c.w) AS n FROM ra_odds_historical r, dh_historical_contributions(r) c
    GROUP BY 1, 2) x USING (kind, value)
 WHERE h.n IS DISTINCT FROM x.n"""

# What the statistics snapshot said before 0012, by scanning ra_odds_historical and the history.
HISTORICAL_SCAN = """
SELECT json_build_object('total', count(*), 'races', count(DISTINCT race_id),
  'horses', count(DISTINCT horse_id), 'horse_names', count(DISTINCT horse_name),
  'tracks', count(DISTINCT course_id), 'jockeys', count(DISTINCT jockey),
  'trainers', count(DISTINCT trainer), 'countries', count(DISTINCT country),
  'days', count(DISTINCT race_date), 'null_sp', count(*) FILTER (WHERE sp_dec IS NULL),
  'avg_books', round(avg(bookmaker_count), 2),
  'history_24h', (SELECT count(*) FROM ra_odds_history
                  WHERE observed_at > timestamptz '%(now)s' - interval '24 hours'))
FROM ra_odds_historical""" % {"now": NOW}


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
    cycles = status_row(st, "statistics").get("cycles", 0)
    t1 = time.monotonic()
    standby.send_signal(signal.SIGUSR1)
    woke = st.wait_for(lambda: status_row(st, "statistics").get("cycles", 0) > cycles, timeout=15, interval=0.1)
    t.check("SIGUSR1 ends its sleep: the next cycle runs at once (%.1f s, the interval is %s s)"
            % (time.monotonic() - t1, status_row(st, "statistics").get("interval_s")), woke
            and standby.poll() is None, status_row(st, "statistics"))
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


def snapshot_figures(st):
    rc, out, _ = st.psql("SELECT json_build_object('total', h.body->'total_records',"
                         " 'races', h.body#>'{unique_entities,races}', 'horses', h.body#>'{unique_entities,horses}',"
                         " 'horse_names', h.body#>'{ra_odds_historical,unique_entities,unique_horses}',"
                         " 'tracks', h.body#>'{unique_entities,tracks}', 'jockeys', h.body#>'{unique_entities,jockeys}',"
                         " 'trainers', h.body#>'{unique_entities,trainers}',"
                         " 'countries', h.body#>'{unique_entities,countries}', 'days', h.body#>'{date_range,days}',"
                         " 'null_sp', h.body#>'{null_counts,sp_dec}', 'avg_books', h.body#>'{odds_coverage,avg_bookmakers}',"
                         " 'history_24h', l.body->'history_records')"
                         " FROM (SELECT body FROM dh_stats_snapshots WHERE kind = 'historical' ORDER BY id DESC LIMIT 1) h,"
                         " (SELECT body FROM dh_stats_snapshots WHERE kind = 'live' ORDER BY id DESC LIMIT 1) l")
    return json.loads(out) if rc == 0 and out else {}


def scan_figures(st):
    rc, out, _ = st.psql(HISTORICAL_SCAN)
    return json.loads(out) if rc == 0 and out else {"error": out}


def check_rollups(t, st):
    """dh-statistics reads counts the writes keep (migration 0012), and gives
    what a scan of the tables gives; each worker prunes its runs.  Every
    worker is stopped first: dh-historical's backfill writing between the
    statistics cycle and the scan made them differ (CI, stop 20)."""
    st.ctl("stop", "workers:")
    rc, _, err = st.psql(DATA)
    t.check("sixty days of results and two days of history load", rc == 0, err[-300:])
    rc, out, _ = st.psql(COUNTS_DRIFT)
    t.check("dh_historical_counts matches ra_odds_historical after the inserts", out == "0", out)
    rc, out, err = st.psql("UPDATE ra_odds_historical SET jockey = 'Someone New', country = NULL"
                           " WHERE race_date = '2025-10-13'; DELETE FROM ra_odds_historical WHERE race_date = '2025-10-12';"
                           " INSERT INTO ra_odds_historical (race_id, horse_id, race_date) VALUES ('rac_x', 'hrs_x',"
                           " '2025-10-13') ON CONFLICT (race_id, horse_id) DO UPDATE SET course = 'Nowhere';"
                           " INSERT INTO ra_odds_historical (race_id, horse_id, race_date) VALUES ('rac_x', 'hrs_x',"
                           " '2025-10-13') ON CONFLICT (race_id, horse_id) DO UPDATE SET course = 'Nowhere';"
                           " DELETE FROM ra_odds_history WHERE race_id = 'rac_w1';" + COUNTS_DRIFT)
    t.check("... and after updates, deletes and upserts", rc == 0 and out == "0", (out, err))
    # Runs of 40 and 20 days ago: the first is past DH_OPS_RETENTION_DAYS (30).
    st.psql("INSERT INTO dh_worker_runs (worker, started_at) VALUES ('statistics', now() - interval '40 days'),"
            " ('statistics', now() - interval '20 days'), ('live', now() - interval '40 days')")
    p = st.run_binary("dh-statistics", "--once", DH_NOW=NOW)
    t.check("dh-statistics --once over the fixture", p.returncode == 0, p.stderr[-500:])
    got, want = snapshot_figures(st), scan_figures(st)
    t.check("its figures are those of a scan of the tables (history's 24 hours included)",
            got == want and want.get("total"), (got, want))
    rc, out, _ = st.psql("SELECT string_agg(worker || ':' || extract(day FROM now() - started_at)::int, ','"
                         " ORDER BY worker) FROM dh_worker_runs WHERE started_at < now() - interval '1 day'")
    t.check("a worker prunes its own runs past 30 days, keeps the rest and leaves others' alone",
            out == "live:40,statistics:20", out)
    p = st.run_binary("dh-statistics", "--once", DH_NOW=NOW, DH_OPS_RETENTION_DAYS="0")
    rc, out, _ = st.psql("SELECT count(*) FROM dh_worker_runs WHERE started_at < now() - interval '1 day'")
    t.check("DH_OPS_RETENTION_DAYS=0 keeps every run", p.returncode == 0 and out == "2", out)
    p = st.run_binary("dh-statistics", "--once", DH_OPS_RETENTION_DAYS="-1")
    t.check("DH_OPS_RETENTION_DAYS out of range: exit 78 naming it",
            p.returncode == 78 and "DH_OPS_RETENTION_DAYS" in p.stderr, p.stderr[-300:])


def run(t):
    st = harness.Stack("workers", DH_NOW="2025-10-14T12:00:00Z")
    failed_before = t.failed
    try:
        st.start()
        t.area(check_status, t, st)
        t.area(check_arguments, t, st)
        t.area(check_standby, t, st)
        t.area(check_database_outage, t, st)
        t.area(check_rollups, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
