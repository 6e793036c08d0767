"""The dashboard in a real browser: a stack with the simulator and the worker
fleet, its clock frozen in the middle of a racing afternoon, then headless
Chromium (Debian's) driven by playwright-core through
tests/browser/dashboard.test.mjs, whose "ok ..." and "FAIL ..." lines become
this suite's checks.  Screenshots of failed checks: tests/logs/browser/."""
import os
import shutil
import subprocess

import harness
from test_pipeline import SimAt

NOW = "2025-10-14T13:00:00Z"        # 14:00 in London: races at post, going down, later ones open
EARLIER = "2025-10-14T12:30:00Z"    # an earlier look at the market: price movement for sparklines
YESTERDAY = "2025-10-13"
# Opening and closing prices of four bookmakers around each SP of YESTERDAY,
# opened 0 to 3 days before the off; then the rollup behind /api/analysis/early-price.
SEED_CLOSING = """
INSERT INTO ra_odds_closing (race_id, horse_id, bookmaker_id, race_date, off_dt, opening_decimal, opening_at,
                             closing_decimal, closing_fractional, closing_at)
SELECT ru.race_id, ru.horse_id, b.bookmaker_id, r.race_date, r.off_dt,
       round(ru.sp_dec * (0.7 + (abs(hashtext(ru.horse_id || b.bookmaker_id)) %% 50) / 100.0), 2),
       r.off_dt - ((abs(hashtext(ru.horse_id)) %% 4) || ' days')::interval - interval '1 hour',
       round(ru.sp_dec * (0.85 + (abs(hashtext(b.bookmaker_id || ru.horse_id)) %% 25) / 100.0), 2), '-',
       r.off_dt - interval '1 minute'
  FROM ra_runners ru JOIN ra_races r ON r.race_id = ru.race_id
 CROSS JOIN (SELECT bookmaker_id FROM ra_bookmakers ORDER BY bookmaker_id LIMIT 4) b
 WHERE r.race_date = '%s' AND ru.sp_dec > 1.6 AND r.off_dt IS NOT NULL
ON CONFLICT DO NOTHING;
SELECT dh_refresh_market('%s');
"""
BROWSER = os.path.join(harness.ROOT, "tests", "browser")
CHROMIUM = "/usr/bin/chromium"


def num(st, q):
    rc, out, err = st.psql(q)
    return int(out) if rc == 0 and out.lstrip("-").isdigit() else -1


def once(st, worker, *args, when=NOW, sim=None):
    """Runs one cycle of a worker at the instant when, against the stack's
    simulator or sim (a base URL)."""
    return st.run_binary("dh-" + worker, "--once", *args, timeout=300, DH_NOW=when,
                         RACING_API_BASE_URL=sim or "http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"],
                         RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator",
                         RACING_API_RATE=20)


def races_on_board(st):
    # A key of its own in nginx's micro-cache (the day named), so that polling here
    # leaves no copy for the dashboard's request (no race_date) to be served.
    body = st.get_fresh("/api/live-odds/races-by-stage?race_date=%s" % NOW[:10]).json() or {}
    return body.get("total_races", 0)


def fill_day(t, st):
    """The fleet's racing day; then the market as it stood at EARLIER
    followed by the fleet at NOW (price history for the sparklines), and
    yesterday's results (historical odds)."""
    ok = st.wait_for(lambda: num(st, "SELECT count(*) FROM ra_odds_live") > 1000 and races_on_board(st) >= 10,
                     timeout=150, interval=2)
    t.check("the fleet fills the racing day from the simulator (%d races on the board)" % races_on_board(st),
            ok, st.status())
    st.ctl("stop", "workers:")
    # Prices seen first at EARLIER, then at NOW when the fleet starts again.
    # Snapshots go too: with the clock frozen they would all share one
    # taken_at, and the one with the whole day must be the newest.
    rc, _, err = st.psql("TRUNCATE ra_odds_live, ra_odds_history, ra_odds_statistics, dh_stats_snapshots")
    t.check("live prices and snapshots cleared for the two looks", rc == 0, err)
    with SimAt(st, EARLIER) as earlier:
        p = once(st, "live", when=EARLIER, sim=earlier.url)
    t.check("dh-live --once at %s" % EARLIER, p.returncode == 0, p.stderr[-800:])
    for worker in ("masters", "historical"):
        p = once(st, worker, "--date", YESTERDAY)
        t.check("dh-%s --once --date %s" % (worker, YESTERDAY), p.returncode == 0, p.stderr[-800:])
    cycles = num(st, "SELECT cycles FROM dh_worker_status WHERE worker = 'live'")
    st.ctl("start", "workers:")
    ok = st.wait_for(lambda: num(st, "SELECT cycles FROM dh_worker_status WHERE worker = 'live'") > cycles
                     and num(st, "SELECT count(*) FROM dh_worker_status WHERE state IN ('sleeping', 'running',"
                                 " 'backoff', 'error') AND cycles > 0") == 4
                     and num(st, "SELECT count(*) FROM dh_stats_snapshots") > 0, timeout=120, interval=1)
    t.check("the fleet runs again: a live cycle at now, four workers reporting, a statistics snapshot", ok,
            st.psql("SELECT worker, state, cycles FROM dh_worker_status")[1])
    moved = num(st, "SELECT count(*) FROM ra_odds_history WHERE previous_decimal IS NOT NULL")
    t.check("prices moved between the two looks (%d changes): history behind the sparklines" % moved, moved > 0)
    # Yesterday's races were never priced live here: their opening and closing
    # lines (as dh-live would have kept them) are made up around the SPs, then
    # rolled up as dh-statistics does, for the early price analysis.
    rc, out, err = st.psql(SEED_CLOSING % (YESTERDAY, NOW[:10]))
    t.check("closing lines seeded for yesterday's results and rolled up (dh_refresh_market: %s day)" % out,
            rc == 0 and out.strip().endswith("1"), err)


def node_checks(t, script, *args, env=None, timeout=900):
    """Runs tests/browser/SCRIPT with node (playwright-core installed first by
    tests/browser/setup) and makes its "ok NAME" and "FAIL NAME: DETAIL"
    lines this suite's checks."""
    p = subprocess.run([os.path.join(BROWSER, "setup")], capture_output=True, text=True, timeout=300)
    if not t.check("playwright-core installed (tests/browser/setup)", p.returncode == 0, p.stderr[-800:]):
        return
    cmd = ["node", os.path.join(BROWSER, script)] + list(args) + ["--chromium", CHROMIUM]
    try:
        p = subprocess.run(cmd, cwd=BROWSER, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        t.check("browser checks finish within %d s" % timeout, False, (e.stdout or b"")[-1500:])
        return
    seen = 0
    for line in p.stdout.splitlines():
        if line.startswith("ok "):
            t.check(line[3:], True)
            seen += 1
        elif line.startswith("FAIL "):
            name, _, detail = line[5:].partition(": ")
            t.check(name, False, detail)
            seen += 1
    if seen == 0:
        t.check("browser checks ran (exit %d)" % p.returncode, False, (p.stdout + p.stderr)[-1500:])
    elif p.returncode != 0 and "FAIL" not in p.stdout:
        t.check("browser run exited cleanly (exit %d)" % p.returncode, False, p.stderr[-1500:])


def run_browser(t, st, shots):
    node_checks(t, "dashboard.test.mjs", "--base", "http://127.0.0.1:%d" % st.http_port,
                "--ctl", "%s ctl" % os.path.join(harness.ROOT, "scripts", "stack.sh"), "--shots", shots,
                env=st.env)


def run(t):
    if not os.path.exists(os.path.join(harness.ROOT, "build", "bin", "dh-racing-sim")):
        t.check("simulator present (build/bin/dh-racing-sim)", False)
        return
    if not t.check("chromium present (%s, scripts/deps.sh)" % CHROMIUM, os.access(CHROMIUM, os.X_OK)):
        return
    st = harness.Stack("browser", DH_NOW=NOW, DH_MASTERS_BACKFILL_DAYS=1)
    shots = os.path.join(st.dir, "screenshots")
    failed_before = t.failed
    try:
        st.start()
        t.area(fill_day, t, st)
        t.area(run_browser, t, st, shots)
    finally:
        if t.failed > failed_before:
            st.keep_logs()	# into tests/logs/browser/, screenshots beside the logs
            if os.path.isdir(shots):
                dest = os.path.join(harness.ROOT, "tests", "logs", "browser", "screenshots")
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(shots, dest)
                print("      screenshots in %s" % os.path.relpath(dest, harness.ROOT), flush=True)
        st.cleanup()
