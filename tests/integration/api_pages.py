"""Pages of the list endpoints (issue 15): the "after" cursor, the offset cap, and pages whose
cost does not grow with the table.  Areas of the api suite (test_api.run), on its fixture."""
import base64
import json
import os
import re
import statistics
import subprocess
import time

# Every list endpoint: its path (with a filter or two), the key of its rows in the body, the
# columns that identify a row, and a page size that makes several pages of the fixture.
LISTS = [
    ("/api/historical-odds", "data", ("race_id", "horse_id"), 1000),
    ("/api/historical-odds?year=2025&course=a", "data", ("race_id", "horse_id"), 1000),
    ("/api/live-odds", "data", ("race_id", "horse_id", "bookmaker_id"), 1000),
    ("/api/live-odds?bookmaker=coral", "data", ("race_id", "horse_id", "bookmaker_id"), 100),
    ("/api/live-odds/upcoming-races?hours_ahead=168", "races", ("race_id",), 7),
    ("/api/masters/races", "data", ("race_id",), 100),
    ("/api/masters/results?region=gb", "data", ("race_id",), 100),
    ("/api/masters/runners", "data", ("race_id", "horse_id"), 1000),
    ("/api/masters/runners?jockey_id=jky_250007", "data", ("race_id", "horse_id"), 10),
    ("/api/masters/horses", "data", ("horse_id",), 1000),
    ("/api/masters/jockeys", "data", ("jockey_id",), 100),
    ("/api/masters/trainers?name=a", "data", ("trainer_id",), 50),
    ("/api/masters/owners", "data", ("owner_id",), 500),
    ("/api/masters/courses", "data", ("course_id",), 7),
    ("/api/masters/bookmakers", "data", ("bookmaker_id",), 7),
    ("/api/courses", "courses", ("course_id",), 7),
    ("/api/bookmakers", "bookmakers", ("bookmaker_id",), 7),
]


def cursor(key):
    """A cursor as dh-api makes it (SQL's dh_cursor): base64url of the JSON array, unpadded."""
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def walk(api, path, key, ident, limit, by_key):
    """Every row of a list, page by page (by offset, or by the next_after cursor): their ids,
    the pages' statuses that were not 200, and the number of pages."""
    sep = "&" if "?" in path else "?"
    rows, bad, pages, off, after = [], [], 0, 0, None
    while pages < 200:
        q = "%s%slimit=%d" % (path, sep, limit)
        q += ("&after=" + after if after else "") if by_key else "&offset=%d" % off
        r, d = api.json(q)
        pages += 1
        if r.status != 200:
            bad.append((q, r.status, r.body[:200]))
            break
        rows += [tuple(x.get(k) for k in ident) for x in d[key]]
        if by_key:
            after = d.get("next_after")
            if not after:
                break
        else:
            if len(d[key]) < limit:
                break
            off += limit
    return rows, bad, pages


def check_keyset(t, api):
    for path, key, ident, limit in LISTS:
        by_off, bad1, _ = walk(api, path, key, ident, limit, False)
        by_key, bad2, pages = walk(api, path, key, ident, limit, True)
        t.check("after: %s, page by page (%d of %d), gives the rows offset gives, in the same order, each once"
                % (path, pages, limit), not bad1 and not bad2 and by_off and by_key == by_off
                and len(set(by_key)) == len(by_key), (bad1, bad2, len(by_off), len(by_key)))
    r, d = api.json("/api/masters/races?race_date=2025-10-14&limit=1000")
    t.check("after: a short page has no next_after", r.status == 200 and 0 < d["count"] < 1000
            and d["next_after"] is None, r)
    r, d = api.json("/api/masters/races?limit=5")
    races = d["next_after"]
    r2, d2 = api.json("/api/masters/races?limit=5&after=" + races)
    r3, d3 = api.json("/api/masters/races?limit=15")
    t.check("after: the page after a cursor follows its page", r2.status == 200
            and d2["data"] == d3["data"][5:10] and d2["offset"] == 0, (r2, r3))
    r, d = api.json("/api/masters/races?limit=5&offset=3&after=" + races)
    t.check("after with offset: the offset counts from the cursor", r.status == 200
            and d["data"] == d3["data"][8:13], r)

    # Cursors that are not this list's: each a 422 naming "after", never a 500.
    bad = {
        "not base64": "%21%21%21",
        "base64 of no JSON": base64.urlsafe_b64encode(b"hello").decode().rstrip("="),
        "another list's": races,
        "too few columns": cursor(["races", "2025-10-13", 1]),
        "too many columns": cursor(["races", "2025-10-13", 1, "rac_1", "x"]),
        "a date that is not one": cursor(["races", "2025-02-30", 1, "rac_1"]),
        "a number for a date": cursor(["races", 20251013, 1, "rac_1"]),
        "text for a number": cursor(["races", "2025-10-13", "1; DROP TABLE ra_races", "rac_1"]),
        "a number too large": base64.urlsafe_b64encode(b'["races","2025-10-13",99999999999999999999,"x"]').decode(),
        "a NUL in a text": cursor(["races", "2025-10-13", 1, "rac\u0000_1"]),
        "an object": cursor({"races": 1}),
        "a padded length": "A",
    }
    for name, c in bad.items():
        path = "/api/masters/results" if name == "another list's" else "/api/masters/races"
        r, d = api.json("%s?after=%s" % (path, c))
        t.check("after: a cursor with %s is a 422 naming after" % name, r.status == 422
                and [i["loc"] for i in d["detail"]] == [["query", "after"]]
                and "next_after" in d["detail"][0]["msg"], r)
    live = cursor(["live", "2025-10-14", 10 ** 17, "rac_1", 1, "hrs_1", "bet365"])
    r, d = api.json("/api/live-odds?after=" + live)
    t.check("after: an instant past 2286 is a 422, not a 500", r.status == 422, r)
    odd = cursor(["races", "2025-10-13", -(2 ** 63), "\u00e9\u00e8 ' \" \\ %"])
    r, d = api.json("/api/masters/races?after=" + odd)
    t.check("after: any well-typed cursor is a position (200)", r.status == 200, r)

    # The offset cap: the original's clients page a racing day's prices and a month of history.
    r, d = api.json("/api/historical-odds?offset=50000")
    t.check("offset 50000 (the cap) is served", r.status == 200 and d["offset"] == 50000, r)
    for path in ("/api/historical-odds", "/api/live-odds", "/api/masters/runners", "/api/masters/horses",
                 "/api/courses", "/api/bookmakers", "/api/live-odds/upcoming-races"):
        r, d = api.json(path + "?offset=50001")
        msg = d["detail"][0]["msg"] if r.status == 422 else ""
        t.check("offset 50001 on %s is a 422 naming the cap and the cursor" % path, r.status == 422
                and [i["loc"] for i in d["detail"]] == [["query", "offset"]] and "50000" in msg
                and "after" in msg and "next_after" in msg, r)


# --- Plans ---------------------------------------------------------------------------

def explain_log(st, run, analyze=False):
    """Runs run() while auto_explain logs every statement of dh-api's role (dh_reader) with its
    plan (executed, with buffers, when analyze), and returns those plans as (query text, plan
    lines) pairs; None when auto_explain could not be set."""
    settings = ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0"]
    if analyze:
        settings += ["auto_explain.log_analyze = on", "auto_explain.log_buffers = on",
                     "auto_explain.log_timing = off"]
    rc, _, err = st.psql(";".join("ALTER ROLE dh_reader SET " + x for x in settings))
    if rc != 0:
        return None
    log = os.path.join(st.var, "log", "postgres.log")
    start = os.path.getsize(log)
    try:
        st.ctl("restart", "dh-api:*")
        st.wait_for(lambda: st.get("/api/health").status == 200, timeout=20)
        run()
    finally:
        st.psql(";".join("ALTER ROLE dh_reader RESET " + x.split(" =")[0] for x in settings))
        st.ctl("restart", "dh-api:*")
        st.wait_for(lambda: st.get("/api/health").status == 200, timeout=20)
    # One log entry starts with "ts=... level=pg"; a plan's lines follow it. Read line by line.
    plans, entry = [], None
    with open(log, errors="replace") as f:
        f.seek(start)
        for line in f:
            if re.match(r"ts=.*? level=pg ", line):
                entry = None
                if "user=dh_reader" in line and "plan:" in line:
                    entry = ["?", []]
                    plans.append(entry)
                continue
            if entry is None:
                continue
            if "Query Text:" in line:
                entry[0] = line.split("Query Text:", 1)[1].strip()[:160]
            else:
                entry[1].append(line.rstrip("\n"))
    return [tuple(e) for e in plans]


def generic_params(lines):
    """The statement's own parameters ($n) a plan still refers to: a custom plan has their values
    in their place, a generic plan keeps them.  An InitPlan's result ("returns $0") is not one."""
    text = "\n".join(x for x in lines if "Query Parameters:" not in x)
    inner = {m for r in re.findall(r"returns ((?:\$\d+,?)+)", text) for m in re.findall(r"\$(\d+)", r)}
    return sorted({m for m in re.findall(r"\$(\d+)", text)} - inner)


# --- Bounded pages -------------------------------------------------------------------

DEEP_COPIES = 15    # the fixture's 20,160 historical rows and 21,384 runners, 16 times over

DEEP_SQL = """
SET synchronous_commit = off;
INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, off_dt, country, course_id, course,
       race_name, race_class, race_type, distance, going, field_size, horse_name, jockey, trainer, number,
       draw, position, position_num, finished, sp, sp_dec, sp_fav_rank, bookmaker_count, price_min,
       price_max, price_mean, win_return, place_return, ew_return, ew_fraction, ew_places)
SELECT h.race_id || '_' || g, h.horse_id, h.race_date - 70 * g, h.race_time, h.off_dt - make_interval(days => 70 * g),
       country, course_id, course, race_name, race_class, race_type, distance, going, field_size, horse_name,
       jockey, trainer, number, draw, position, position_num, finished, sp, sp_dec, sp_fav_rank,
       bookmaker_count, price_min, price_max, price_mean, win_return, place_return, ew_return, ew_fraction,
       ew_places
  FROM ra_odds_historical h, generate_series(1, %(copies)d) g;
INSERT INTO ra_runners (race_id, horse_id, race_date, horse_name, number, jockey_id, jockey_name,
       trainer_id, trainer_name, position, position_num, sp, sp_dec)
SELECT ru.race_id || '_' || g, ru.horse_id, ru.race_date - 70 * g, horse_name, number, jockey_id, jockey_name,
       trainer_id, trainer_name, position, position_num, sp, sp_dec
  FROM ra_runners ru, generate_series(1, %(copies)d) g;
ANALYZE ra_odds_historical;
ANALYZE ra_runners;
SELECT (SELECT count(*) FROM ra_odds_historical) || ' ' || (SELECT count(*) FROM ra_runners);
"""


def query_ms(api, path, n=5):
    """Median X-Query-Time (ms, dh-api's time in PostgreSQL) of n uncached requests, and the
    last body."""
    times, d = [], None
    for _ in range(n):
        r, d = api.json(path)
        if r.status != 200:
            return float("nan"), r
        times.append(float(r.headers.get("x-query-time", "nan")))
    return statistics.median(times), d


def row_cursor(st, sql):
    """A cursor made from the sort key SQL selects (one row, one JSON array)."""
    rc, out, err = st.psql(sql)
    return cursor(json.loads(out)) if rc == 0 and out else None


def rows_read(lines, index):
    """(rows the scan of index returned plus those its filter removed, buffers of the whole
    statement) from an executed plan's lines."""
    read, buffers = None, None
    for n, line in enumerate(lines):
        if buffers is None and "Buffers: shared" in line:
            buffers = sum(int(x) for x in re.findall(r"(?:hit|read)=(\d+)", line))
        if read is None and "using %s " % index in line:
            read = int(re.search(r"actual rows=(\d+)", line).group(1))
            for below in lines[n + 1:]:
                if "->" in below:
                    break
                m = re.search(r"Rows Removed by Filter: (\d+)", below)
                read += int(m.group(1)) if m else 0
    return read, buffers


def check_deep_pages(t, api, st):
    """A page deep in a list of 300,000 rows, by its cursor, reads what the first page reads
    (PostgreSQL's own count of the rows its index scan returned and filtered, from
    auto_explain's ANALYZE); an offset reads every row it skips, up to the cap; past the cap, a
    422."""
    t0 = time.monotonic()
    p = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", st.admin_url()],
                       input=DEEP_SQL % {"copies": DEEP_COPIES}, capture_output=True, text=True, timeout=600)
    rc, out, err = p.returncode, p.stdout.strip(), p.stderr.strip()
    if not t.check("deep pages: %s historical rows and runners generated (%.0f s)"
                   % (out.replace(" ", " and "), time.monotonic() - t0), rc == 0, err):
        return
    n_hist = int(out.split()[0])
    # The sort key of a row deep in each list, as the cursor of the page before it.
    hist = row_cursor(st, """
        SELECT json_build_array('historical', race_date,
                                extract(epoch FROM coalesce(race_time, TIME '24:00'))::bigint,
                                race_id, coalesce(position_num, 2147483647), horse_id)
          FROM ra_odds_historical
         ORDER BY race_date DESC, race_time DESC, race_id, position_num NULLS LAST, horse_id
        OFFSET %d LIMIT 1""" % (n_hist * 3 // 4))
    runners = row_cursor(st, """
        SELECT json_build_array('runners', race_date, race_id, coalesce(number, 2147483647), horse_id)
          FROM ra_runners ORDER BY race_date DESC, race_id, number NULLS LAST, horse_id
        OFFSET 250000 LIMIT 1""")
    lists = (("historical-odds", "/api/historical-odds?limit=1000", hist, "ra_odds_historical_page_idx"),
             ("masters runners", "/api/masters/runners?limit=1000", runners, "ra_runners_page_idx"))
    kinds = ("first page", "deep page by after", "offset 20000")
    times = {}

    def run():
        for name, path, deep, _ in lists:
            for kind, url in zip(kinds, (path, path + "&after=" + deep, path + "&offset=20000")):
                times[name, kind] = query_ms(api, url, 3)

    plans = explain_log(st, run, analyze=True)
    if not t.check("deep pages: auto_explain (ANALYZE, BUFFERS) for dh_reader", plans is not None):
        return
    figures = []
    for name, path, deep, index in lists:
        mine = [rows_read(lines, index) for _, lines in plans if any("using %s " % index in x for x in lines)]
        got = dict(zip(kinds, mine[0::3]))
        if not t.check("deep pages: %s, the plans of its 9 requests logged" % name, len(mine) == 9
                       and all(x[0] is not None for x in mine), mine):
            continue
        first, deep_read, capped = got["first page"][0], got["deep page by after"][0], got["offset 20000"][0]
        figures.append("%s: %s" % (name, ", ".join(
            "%s reads %d rows, %d buffers, %.2f ms (X-Query-Time)" % (k, got[k][0], got[k][1] or 0, times[name, k][0])
            for k in kinds)))
        t.check("deep pages: %s, a page 3/4 into the list by after reads about what the first page reads "
                "(%d rows, %d)" % (name, deep_read, first),
                times[name, kinds[1]][1].get("count") == 1000 and first >= 1000 and deep_read <= first + 1000,
                (got, times[name, kinds[1]][1]))
        t.check("deep pages: %s, offset 20000 reads the rows it skips (%d)" % (name, capped), capped >= 21000, got)
        r, d = api.json(path + "&offset=100000")
        t.check("deep pages: %s offset 100000 is a 422 (the cap)" % name, r.status == 422, r)
    print("deep pages: " + "; ".join(figures), flush=True)
