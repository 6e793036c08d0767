"""The worker fleet against the simulator, end to end: a racing day flows
into PostgreSQL; an unchanged price writes nothing; a changed one appends
history; results and the historical join; upstream faults back off without
exiting; a kill -9 mid-cycle loses and duplicates nothing."""
import datetime
import http.server
import json
import os
import random
import signal
import string
import threading
import time
import urllib.parse
import urllib.request

import harness

NOW = "2025-10-14T11:00:00Z"       # a Tuesday: GB and IRE meetings in the afternoon
LATER = "2025-10-14T11:20:00Z"     # prices have moved
CARDS = os.path.join(harness.ROOT, "tests", "fixtures", "racing-api", "racecards_pro_2025-10-14.json")


def sql(st, q):
    rc, out, err = st.psql(q)
    if rc != 0:
        raise RuntimeError(err)
    return out


def num(st, q, run=sql):
    out = run(st, q)
    return int(out) if out.lstrip("-").isdigit() else out


def orig(st, q):
    """q as the original's SQL reads: dh_reader with search_path original,public (README)."""
    rc, out, err = st.psql(q, st.role_url("dh_reader") + "&options=-csearch_path%3Doriginal,public")
    if rc != 0:
        raise RuntimeError(err)
    return out


def sim_faults(st, faults):
    req = urllib.request.Request("http://127.0.0.1:%s/_sim/faults" % st.env["DH_SIM_PORT"],
                                 data=json.dumps(faults).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status


def status_row(st, worker):
    out = sql(st, "SELECT row_to_json(s) FROM dh_worker_status s WHERE worker = '%s'" % worker)
    return json.loads(out) if out else {}


class SimAt:
    """A second simulator whose clock stands at another instant (the stack's
    stands at NOW), for cycles run at that instant."""

    def __init__(self, st, instant):
        self.port = harness.free_port()
        self.proc, _ = st.spawn_binary("dh-racing-sim", "--port", str(self.port), DH_NOW=instant,
                                       RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator")
        self.url = "http://127.0.0.1:%d/v1" % self.port
        st.wait_for(lambda: harness.port_open(self.port), timeout=10, interval=0.05)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def once(st, worker, *args, sim=None, **env):
    return st.run_binary("dh-" + worker, "--once", *args, timeout=300, DH_NOW=env.pop("DH_NOW", NOW),
                         RACING_API_BASE_URL=sim or "http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"],
                         RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator",
                         RACING_API_RATE=20, **env)


def check_fleet_running(t, st):
    states = st.status()
    for p in ("dh-racing-sim", "workers:dh-live", "workers:dh-masters", "workers:dh-historical",
              "workers:dh-statistics"):
        t.check("%s RUNNING" % p, states.get(p) == "RUNNING", states)
    got = st.wait_for(lambda: num(st, "SELECT count(*) FROM ra_odds_live") > 1000, timeout=90, interval=2)
    t.check("within a minute or so the racing day's prices are in ra_odds_live", got,
            sql(st, "SELECT count(*) FROM ra_odds_live"))
    got = st.wait_for(lambda: num(st, "SELECT count(*) FROM ra_races WHERE race_date = '2025-10-14'") >= 40,
                      timeout=90, interval=2)
    t.check("dh-masters loaded today's races", got, sql(st, "SELECT count(*) FROM ra_races"))
    row = st.wait_for(lambda: (lambda r: r if r.get("cycles", 0) >= 1 else None)(status_row(st, "live")),
                      timeout=60)
    t.check("dh-live status: sleeping with an interval and its reason",
            row and row["state"] == "sleeping" and row["interval_s"] in (10, 60, 300, 900)
            and ":" in (row.get("interval_reason") or ""), row)


def check_live(t, st):
    st.ctl("stop", "workers:")
    # Cycles recorded 40 and 20 days before: the first is past DH_OPS_RETENTION_DAYS (30).
    sql(st, "INSERT INTO ra_odds_statistics (cycle_started_at) VALUES"
            " (timestamptz '%s' - interval '40 days'), (timestamptz '%s' - interval '20 days')" % (NOW, NOW))
    p = once(st, "live")
    t.check("dh-live prunes ra_odds_statistics past 30 days and keeps the rest",
            sql(st, "SELECT string_agg(extract(day FROM timestamptz '%s' - cycle_started_at)::int::text, ',')"
                    " FROM ra_odds_statistics WHERE cycle_started_at < timestamptz '%s' - interval '1 day'"
                    % (NOW, NOW)) == "20")
    t.check("dh-live --once succeeds", p.returncode == 0, p.stderr[-800:])
    first = sql(st, "SELECT rows_changed || ' ' || history_rows || ' ' || odds_fetched FROM ra_odds_statistics"
                    " ORDER BY id DESC LIMIT 1").split()
    p = once(st, "live")
    again = sql(st, "SELECT rows_changed || ' ' || history_rows || ' ' || odds_fetched FROM ra_odds_statistics"
                    " ORDER BY id DESC LIMIT 1").split()
    t.check("same prices again: no row written (%s then %s)" % (first, again),
            p.returncode == 0 and again[0] == "0" and again[1] == "0" and int(again[2]) > 0, (first, again))
    t.check("a full card: thousands of prices, 20-28 bookmakers",
            num(st, "SELECT count(DISTINCT bookmaker_id) FROM ra_odds_live") >= 20
            and num(st, "SELECT count(*) FROM ra_odds_live") > 1000)
    t.check("each new price is its opening price, seen when first fetched (migration 0020)",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE opening_decimal IS DISTINCT FROM decimal"
                    " OR opening_at IS DISTINCT FROM price_changed_at") == 0)
    hist_before = num(st, "SELECT count(*) FROM ra_odds_history")
    with SimAt(st, LATER) as later:
        p = once(st, "live", DH_NOW=LATER, sim=later.url)
    changed = sql(st, "SELECT rows_changed FROM ra_odds_statistics ORDER BY id DESC LIMIT 1")
    hist_after = num(st, "SELECT count(*) FROM ra_odds_history")
    t.check("prices moved: changed rows updated and appended to history (%s changed)" % changed,
            p.returncode == 0 and int(changed) > 0 and hist_after > hist_before, p.stderr[-500:])
    t.check("a changed price keeps its opening price",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE opening_decimal <> decimal") > 0
            and num(st, "SELECT count(*) FROM ra_odds_live WHERE opening_decimal IS NULL") == 0)
    t.check("no closing line for a race not yet off", num(st, "SELECT count(*) FROM ra_odds_closing"
                                                            " WHERE off_dt > '%s'" % LATER) == 0)
    t.check("dh_odds_history_hourly counts dh-live's history rows hour by hour",
            num(st, "SELECT count(*) FROM dh_odds_history_hourly h FULL JOIN"
                    " (SELECT date_bin('1 hour', observed_at, timestamptz '2000-01-01 00:00:00+00') AS hour,"
                    "  count(*) AS rows FROM ra_odds_history GROUP BY 1) x USING (hour)"
                    " WHERE coalesce(h.rows, 0) <> coalesce(x.rows, 0)") == 0
            and num(st, "SELECT sum(rows) FROM dh_odds_history_hourly") == hist_after)
    # A series (migration 0024): its opening price, then one row per change of decimal.
    series = "(SELECT decimal, lag(decimal) OVER (PARTITION BY race_id, horse_id, bookmaker_id ORDER BY observed_at)" \
             " AS prev FROM ra_odds_history) x"
    t.check("history: a change follows the price it replaced in its series, and no row repeats the one before",
            num(st, "SELECT count(*) FROM %s WHERE prev <> decimal" % series) > 0
            and num(st, "SELECT count(*) FROM %s WHERE prev = decimal" % series) == 0)
    t.check("history keeps the previous price of a change, the series' row before",
            num(st, "SELECT count(*) FROM ra_odds_history WHERE previous_decimal IS NOT NULL"
                    " AND previous_decimal <> decimal") > 0
            and num(st, "SELECT count(*) FROM (SELECT previous_decimal, lag(decimal) OVER (PARTITION BY race_id,"
                        " horse_id, bookmaker_id ORDER BY observed_at) AS prev FROM ra_odds_history) x"
                        " WHERE previous_decimal IS DISTINCT FROM prev") == 0)
    t.check("no live row for a race already off",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE off_dt <= '%s' AND fetched_at >= '%s'"
                    % (LATER, LATER)) == 0)
    t.check("best price >= favourite price for every runner (decimals > 1)",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE decimal <= 1") == 0)
    t.check("bookmaker ids match ra_bookmakers",
            num(st, "SELECT count(*) FROM (SELECT DISTINCT bookmaker_id FROM ra_odds_live) l"
                    " LEFT JOIN ra_bookmakers b USING (bookmaker_id) WHERE b.bookmaker_id IS NULL") == 0)
    t.check("bookmaker ids are the original's (no '_'), Betfair Exchange an exchange (C16)",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE bookmaker_id !~ '^[a-z0-9]+$'") == 0
            and orig(st, "SELECT string_agg(DISTINCT bookmaker_type, ',') FROM ra_odds_live"
                        " WHERE bookmaker_id = 'betfairexchange'") == "exchange")
    t.check("the original's columns through its views: the card's (C6 weight in lbs), race_time the UK time (C3)",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE runners > 0 AND horse_number = number"
                    " AND odds_decimal = decimal AND odds_fractional = fractional AND jockey IS NOT NULL"
                    " AND weight ~ '^[0-9]+$' AND race_type IS NOT NULL"
                    " AND race_time = (off_dt AT TIME ZONE 'Europe/London')::time", orig)
            == num(st, "SELECT count(*) FROM public.ra_odds_live"),
            orig(st, "SELECT jockey, weight, runners FROM ra_odds_live LIMIT 3"))
    t.check("ra_odds_statistics through the original's view: its columns, bookmaker_list by name",
            orig(st, "SELECT bookmakers_found > 0 AND cardinality(bookmaker_list) > 0 AND races_count = races"
                    " AND total_odds_fetched = odds_fetched FROM ra_odds_statistics ORDER BY id LIMIT 1") == "t")


class Upstream:
    """A stand-in upstream serving one racecards body for 2025-10-14 (and an
    empty day of cards or results otherwise), for cards the simulator never sends."""

    def __init__(self, cards):
        body = json.dumps(cards).encode()
        empty = json.dumps({"racecards": [], "results": [], "total": 0, "limit": 0, "skip": 0,
                            "query": []}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                day = urllib.parse.parse_qs(url.query).get("date", [""])[0]
                out = body if url.path.endswith("/racecards/pro") and day == "2025-10-14" else empty
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/v1" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def check_listed_twice(t, st):
    """A racecard listing a horse twice, and a day's cards listing a race twice
    (with other prices the second time): the parser keeps the first entry and
    the fetch warns with the count, instead of the cycle failing on the key."""
    with open(CARDS) as f:
        cards = json.load(f)
    race = next(r for r in cards["racecards"] if any(ru.get("odds") for ru in r["runners"]))
    runner = next(ru for ru in race["runners"] if ru.get("odds"))
    twice = json.loads(json.dumps(runner))
    for o in twice["odds"]:
        o["decimal"], o["fractional"] = "888.0", "887/1"
    race["runners"].append(twice)
    again = json.loads(json.dumps(race))
    for ru in again["runners"]:
        for o in ru.get("odds") or []:
            o["decimal"], o["fractional"] = "777.0", "776/1"
    cards["racecards"].append(again)
    races = [r["race_id"] for r in cards["racecards"]]
    with Upstream(cards) as upstream:
        p = once(st, "live", sim=upstream.url)
    kept = sql(st, "SELECT count(*) || ' ' || count(*) FILTER (WHERE decimal = 888) FROM ra_odds_live"
                   " WHERE race_id = '%s' AND horse_id = '%s'" % (race["race_id"], runner["horse_id"])).split()
    t.check("a horse listed twice: the cycle succeeds, the first entry's prices kept (%s)" % " ".join(kept),
            p.returncode == 0 and int(kept[0]) > 0 and kept[1] == "0", p.stderr[-800:])
    t.check("a race listed twice: its first listing's prices kept",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE race_id = '%s' AND decimal = 777" % race["race_id"]) == 0,
            p.stderr[-800:])
    t.check("the horse and the race listed twice: counted in one warning",
            "racecards for 2025-10-14:" in p.stderr
            and "2 records listed twice skipped (the first kept)" in p.stderr, p.stderr[-800:])
    sql(st, "DELETE FROM ra_odds_live WHERE race_id IN (%s)" % ",".join("'%s'" % r for r in races))


def check_unreadable_lists(t, st):
    """A race whose runners, or one runner's odds, are not a list: unknown,
    not "no prices": its stored prices stay as they are, while the other
    races' move.  Before, it looked like an empty list and the race's prices
    were deleted as withdrawn."""
    with open(CARDS) as f:
        cards = json.load(f)
    # The sample prices one race: three copies of it under other ids.
    first = next(r for r in cards["racecards"] if any(ru.get("odds") for ru in r["runners"]))
    second, other = json.loads(json.dumps(first)), json.loads(json.dumps(first))
    second["race_id"], other["race_id"] = first["race_id"] + "b", first["race_id"] + "c"
    cards["racecards"] += [second, other]
    races = [r["race_id"] for r in cards["racecards"]]
    with Upstream(cards) as upstream:
        p = once(st, "live", sim=upstream.url)
    stored = sql(st, "SELECT string_agg(race_id || horse_id || bookmaker_id || decimal, ',' ORDER BY 1)"
                     " FROM ra_odds_live WHERE race_id IN ('%s', '%s')" % (first["race_id"], second["race_id"]))
    first["runners"] = {"oops": True}
    next(ru for ru in second["runners"] if ru.get("odds"))["odds"] = "not a list"
    for ru in other["runners"]:
        for o in ru.get("odds") or []:
            o["decimal"], o["fractional"] = "666.0", "665/1"
    with Upstream(cards) as upstream:
        q = once(st, "live", sim=upstream.url)
    after = sql(st, "SELECT string_agg(race_id || horse_id || bookmaker_id || decimal, ',' ORDER BY 1)"
                    " FROM ra_odds_live WHERE race_id IN ('%s', '%s')" % (first["race_id"], second["race_id"]))
    t.check("runners or odds not a list: the race's stored prices kept, said in the log",
            p.returncode == 0 and q.returncode == 0 and stored and after == stored
            and "race %s: runners or odds that are not lists" % first["race_id"] in q.stderr
            and "race %s: runners or odds that are not lists" % second["race_id"] in q.stderr,
            q.stderr[-800:])
    t.check("... and the other races' prices move in the same cycle",
            num(st, "SELECT count(*) FROM ra_odds_live WHERE race_id = '%s' AND decimal = 666" % other["race_id"]) > 0)
    sql(st, "DELETE FROM ra_odds_live WHERE race_id IN (%s)" % ",".join("'%s'" % r for r in races))


def check_unstorable(t, st):
    """Values that parse but that no column holds: a negative saddle-cloth
    number and draw, an each-way denominator of 0, a price that rounds to
    1.000, a 100 kB course name (an index key).  Each is dropped as a bad
    field (the draw and the name counted in a warning); before, each failed
    the whole cycle in the database, every time."""
    with open(CARDS) as f:
        cards = json.load(f)
    with Upstream(cards) as upstream:
        good = once(st, "masters", "--date", "2025-10-14", sim=upstream.url)
    race = next(r for r in cards["racecards"] if any(ru.get("odds") for ru in r["runners"]))
    number, draw = race["runners"][0]["number"], race["runners"][0]["draw"]
    rnd = random.Random(1)
    race["course"] = "".join(rnd.choice(string.ascii_letters) for _ in range(100000))
    runner = race["runners"][0]
    runner["number"], runner["draw"] = "-1", "-1"
    runner["odds"][0]["decimal"] = "1.0004"
    runner["odds"][1]["ew_denom"] = "0"
    prices = sum(len(ru.get("odds") or []) for ru in race["runners"])
    with Upstream(cards) as upstream:
        live = once(st, "live", sim=upstream.url)
        masters = once(st, "masters", "--date", "2025-10-14", sim=upstream.url)
    kept = num(st, "SELECT count(*) FROM ra_odds_live WHERE race_id = '%s' AND course IS NULL" % race["race_id"])
    t.check("unstorable values: dh-live stores the other prices (%s of %d)" % (kept, prices),
            live.returncode == 0 and kept == prices - 1, live.stderr[-800:])
    t.check("unstorable values: dh-live says how many values it could not use",
            "racecards for 2025-10-14: 0 records without a usable id skipped, 2 unusable values" in live.stderr,
            live.stderr[-800:])
    t.check("unstorable values: dh-masters stores the card, keeping the number and draw it had (%s %s)"
            % (number, draw), good.returncode == 0 and masters.returncode == 0
            and sql(st, "SELECT coalesce(number, -9) || ' ' || coalesce(draw, -9) FROM ra_runners"
                        " WHERE race_id = '%s' AND horse_id = '%s'" % (race["race_id"], runner["horse_id"]))
            == "%s %s" % (number, draw), (good.stderr[-400:], masters.stderr[-800:]))
    sql(st, "DELETE FROM ra_odds_live WHERE race_id = '%s'" % race["race_id"])


def check_masters(t, st):
    p = once(st, "masters", "--date", "2025-10-13")
    t.check("dh-masters --once --date yesterday", p.returncode == 0, p.stderr[-800:])
    t.check("results: ra_results rows and runner positions",
            num(st, "SELECT count(*) FROM ra_results WHERE race_date = '2025-10-13'") >= 40
            and num(st, "SELECT count(*) FROM ra_runners WHERE race_date = '2025-10-13'"
                        " AND position IS NOT NULL") > 200)
    t.check("horses with pedigree ids",
            num(st, "SELECT count(*) FROM ra_horses WHERE sire_id IS NOT NULL AND dam_id IS NOT NULL") > 100)
    t.check("jockeys, trainers and owners",
            all(num(st, "SELECT count(*) FROM %s" % tb) > 20 for tb in ("ra_jockeys", "ra_trainers", "ra_owners")))
    p = once(st, "masters", "--date", "2025-10-13")
    t.check("running the same day twice duplicates nothing",
            p.returncode == 0 and num(st, "SELECT count(*) - count(DISTINCT (race_id, horse_id)) FROM ra_runners") == 0)


def check_historical(t, st):
    p = once(st, "historical", "--date", "2025-10-13")
    t.check("dh-historical --once --date yesterday", p.returncode == 0, p.stderr[-800:])
    n = num(st, "SELECT count(*) FROM ra_odds_historical WHERE race_date = '2025-10-13'")
    t.check("one row per runner of the day (%s)" % n, n > 200)
    t.check("IRE races are country IRE, not GB",
            num(st, "SELECT count(*) FROM ra_odds_historical h JOIN ra_results r USING (race_id)"
                    " WHERE r.region_code = 'IRE' AND h.country <> 'IRE'") == 0
            and num(st, "SELECT count(*) FROM ra_odds_historical WHERE country = 'IRE'") > 0)
    t.check("race_time is the UK time of the off (afternoon races after 12:00)",
            num(st, "SELECT count(*) FROM ra_odds_historical WHERE race_time <> "
                    "(off_dt AT TIME ZONE 'Europe/London')::time") == 0
            and num(st, "SELECT count(*) FROM ra_odds_historical WHERE race_time > '12:00'") > 0)
    t.check("derived fields: winners return their SP, SP favourites ranked 1",
            num(st, "SELECT count(*) FROM ra_odds_historical WHERE position_num = 1 AND win_return <> sp_dec") == 0
            and num(st, "SELECT count(*) FROM ra_odds_historical WHERE sp_fav_rank = 1") > 20)
    p = once(st, "historical", "--date", "2025-10-13")
    t.check("again: unique on race_id + horse_id, nothing duplicated",
            p.returncode == 0 and num(st, "SELECT count(*) FROM ra_odds_historical WHERE race_date = '2025-10-13'") == n)
    t.check("coverage records the date as done",
            sql(st, "SELECT state FROM dh_historical_dates WHERE race_date = '2025-10-13'") == "done")


def check_backfill(t, st):
    p = st.run_binary("dh-historical", "--backfill", "--from", "2025-10-10", "--to", "2025-10-13", timeout=300,
                      DH_NOW=NOW, RACING_API_BASE_URL="http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"],
                      RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator", RACING_API_RATE=20)
    t.check("dh-historical --backfill: four dates, the one already done skipped",
            p.returncode == 0 and "4 dates, 1 already done, 0 failed" in p.stderr, p.stderr[-600:])
    t.check("backfilled dates are done in the coverage table",
            num(st, "SELECT count(*) FROM dh_historical_dates WHERE race_date BETWEEN '2025-10-10' AND '2025-10-13'"
                    " AND state = 'done'") == 4)
    p = st.run_binary("dh-historical", "--backfill", "--from", "2025-10-10", "--to", "2025-10-13", timeout=300,
                      DH_NOW=NOW, RACING_API_BASE_URL="http://127.0.0.1:%s/v1" % st.env["DH_SIM_PORT"])
    t.check("run again: resumes, nothing left to fetch",
            p.returncode == 0 and "4 dates, 4 already done" in p.stderr, p.stderr[-400:])
    p = st.run_binary("dh-historical", "--backfill", "--from", "2025-10-13", "--to", "2025-10-10")
    t.check("--from after --to is refused", p.returncode == 64, p.stderr)


def check_faults(t, st):
    st.ctl("start", "workers:")
    sim_faults(st, {"error_rate": 1.0})
    st.ctl("restart", "workers:dh-live")
    row = st.wait_for(lambda: (lambda r: r if r.get("state") == "backoff" else None)(status_row(st, "live")),
                      timeout=90, interval=1)
    t.check("upstream failing: dh-live backs off and says why", row and "upstream" in (row.get("last_error") or "")
            and "backoff" in (row.get("interval_reason") or ""), row)
    t.check("upstream failing: dh-live stays RUNNING", st.status().get("workers:dh-live") == "RUNNING", st.status())
    sim_faults(st, {})
    row = st.wait_for(lambda: (lambda r: r if r.get("state") == "sleeping" else None)(status_row(st, "live")),
                      timeout=90, interval=1)
    t.check("upstream back: dh-live recovers by itself", row, status_row(st, "live"))


def check_kill(t, st):
    st.ctl("stop", "workers:")
    with SimAt(st, LATER) as later:
        once(st, "live", DH_NOW=LATER, sim=later.url)
        before = num(st, "SELECT count(*) FROM ra_odds_live")
        for delay in (0.3, 0.6, 0.9):
            proc, _ = st.spawn_binary("dh-live", DH_NOW=LATER, RACING_API_BASE_URL=later.url,
                                      RACING_API_USERNAME="simulator", RACING_API_PASSWORD="simulator",
                                      RACING_API_RATE=20)
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        p = once(st, "live", DH_NOW=LATER, sim=later.url)
    after = num(st, "SELECT count(*) FROM ra_odds_live")
    t.check("kill -9 mid-cycle: the next cycle finds a consistent table (%d -> %d rows)" % (before, after),
            p.returncode == 0 and after == before
            and num(st, "SELECT count(*) - count(DISTINCT (race_id, horse_id, bookmaker_id)) FROM ra_odds_live") == 0,
            p.stderr[-500:])


def partitions(st):
    return sql(st, "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i"
                   " JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ra_odds_history'::regclass").split(",")


def check_retention(t, st):
    """Months chosen past what the migration made (it covers up to three months
    after the real date), so the worker has partitions to create and drop."""
    today = datetime.date.today()
    year, month = today.year + (today.month + 5) // 12, (today.month + 5) % 12 + 1   # six months on
    first = datetime.date(year, month, 1)
    last = first - datetime.timedelta(days=1)                                       # end of the month before
    name = lambda d: "ra_odds_history_%04d_%02d" % (d.year, d.month)
    add = lambda d, n: datetime.date(d.year + (d.month - 1 + n) // 12, (d.month - 1 + n) % 12 + 1, 1)
    st.ctl("stop", "workers:")
    night = "%sT12:00:00Z" % last.isoformat()     # the last racing day of a month
    morning = "%sT12:00:00Z" % first.isoformat()  # the first of the next
    live = num(st, "SELECT count(*) FROM ra_odds_live WHERE race_date = '2025-10-14'")
    closing = num(st, "SELECT count(*) FROM ra_odds_closing")
    with SimAt(st, night) as sim:
        p = once(st, "live", DH_NOW=night, sim=sim.url, DH_ODDS_HISTORY_RETENTION_MONTHS=12)
    t.check("a day after the off, the live prices pruned into closing lines (%d live, %d closing before)"
            % (live, closing), live > 0 and num(st, "SELECT count(*) FROM ra_odds_live WHERE race_date = '2025-10-14'")
            == 0 and num(st, "SELECT count(*) FROM ra_odds_closing") == closing + live
            and num(st, "SELECT count(*) FROM ra_odds_closing WHERE opening_decimal > 1 AND closing_decimal > 1"
                        " AND closing_at <= off_dt + interval '1 hour'") == closing + live,
            num(st, "SELECT count(*) FROM ra_odds_closing"))
    parts = partitions(st)
    t.check("last day of a month: partitions three months ahead, none older than the retention",
            p.returncode == 0 and name(add(first, 1)) in parts and name(add(last, -12)) in parts
            and name(add(last, -13)) not in parts, (p.stderr[-300:], parts[:2], parts[-3:]))
    with SimAt(st, morning) as sim:
        p = once(st, "live", DH_NOW=morning, sim=sim.url, DH_ODDS_HISTORY_RETENTION_MONTHS=12)
    parts = partitions(st)
    t.check("across the month boundary: the next month made, the oldest kept month dropped",
            p.returncode == 0 and name(add(first, 2)) in parts and name(add(last, -12)) not in parts
            and name(add(first, -12)) in parts, (p.stderr[-300:], parts[:2], parts[-3:]))
    t.check("history written that night landed in its month, not the default partition",
            num(st, "SELECT count(*) FROM ra_odds_history_default") == 0
            and num(st, "SELECT count(*) FROM %s" % name(first)) + num(st, "SELECT count(*) FROM %s" % name(last)) > 0)


def run(t):
    if not os.path.exists(os.path.join(harness.ROOT, "build", "bin", "dh-racing-sim")):
        t.check("simulator present (build/bin/dh-racing-sim)", False)
        return
    st = harness.Stack("pipeline", DH_NOW=NOW, DH_MASTERS_BACKFILL_DAYS=1)
    failed_before = t.failed
    try:
        st.start()
        t.area(check_fleet_running, t, st)
        t.area(check_live, t, st)
        t.area(check_listed_twice, t, st)
        t.area(check_unreadable_lists, t, st)
        t.area(check_unstorable, t, st)
        t.area(check_masters, t, st)
        t.area(check_historical, t, st)
        t.area(check_backfill, t, st)
        t.area(check_faults, t, st)
        t.area(check_kill, t, st)
        t.area(check_retention, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
