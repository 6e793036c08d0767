"""The year of data (issue 15): DAYS racing days before a given day, built by
SQL in the embedded cluster of a bench stack, shaped like what the workers
write over a year.

Per day, 60 races at 20 courses, each with 6 to 16 runners (11 on average):
- masters: ra_races, ra_runners (with results), ra_results;
- ra_odds_historical, one row per runner, and dh_historical_dates 'done';
- ra_odds_history as dh-live writes it: each runner priced by 22 to 28
  bookmakers (25 on average), each price changing 10 to 40 times (25 on
  average) over the six hours before the off, the first observation without
  previous_decimal; about 412,000 rows a day, 150 M a year, in the monthly
  partitions of observed_at.

Race ids are rac_2DDDDKK (DDDD the day's distance back, KK the race), so they
never meet the fixture's (tests/integration/test_api.py) nor dh-live's.
Horses, jockeys, trainers, owners and courses are the fixture's, which must
be loaded first.  Deterministic: the same rows every time.  Masters are made
CHUNK_DAYS days a transaction; history a day a transaction, oldest first, on
JOBS connections, each month on one of them (two writers filling one
partition at once would interleave their pages, which dh-live never does);
VACUUM (ANALYZE) at the end, as autovacuum would have done.  A year takes a few minutes on two cores; the history
dominates (size and time), so --no-history makes the masters alone.

Never part of make test: bench/year runs it."""
import datetime
import subprocess
import threading
import time

CHUNK_DAYS = 5
JOBS = 2

MASTERS_SQL = """
BEGIN;
SET LOCAL synchronous_commit = off;
CREATE TEMP TABLE yr_race ON COMMIT DROP AS
SELECT 'rac_' || (20000000 + d * 100 + k) AS race_id, date '%(today)s' - d AS race_date,
       ((date '%(today)s' - d) + time '12:00')::timestamp AT TIME ZONE 'UTC' + make_interval(mins => k * 8) AS off_dt,
       d, k, 6 + (d * 7 + k * 3) %% 11 AS runners, 1 + (d * 3 + k) %% 20 AS cidx
FROM generate_series(%(d0)d, %(d1)d) d, generate_series(1, 60) k;

INSERT INTO ra_races (race_id, race_date, off_dt, off_time, course_id, course, region_code, race_name,
                      race_class, type, distance, distance_round, distance_f, prize, field_size, going, surface)
SELECT r.race_id, r.race_date, r.off_dt, to_char(r.off_dt AT TIME ZONE 'Europe/London', 'FMHH12:MI'),
       c.course_id, c.name, c.region_code, c.name || ' Race ' || r.k || ' Handicap', 'Class ' || (1 + r.k %% 6),
       (ARRAY['Flat','Hurdle','Chase'])[1 + r.k %% 3], '1m2f', '1m2f', 10.0, '£5,000', r.runners, 'Good', 'Turf'
FROM yr_race r JOIN ra_courses c ON c.course_id = 'crs_' || (100 + r.cidx)
ON CONFLICT DO NOTHING;

CREATE TEMP TABLE yr_runner ON COMMIT DROP AS
SELECT r.race_id, r.race_date, r.off_dt, r.d, r.k, r.runners, n AS num,
       'hrs_' || (1000000 + 1 + (r.d * 997 + r.k * 16 + n) %% %(horses)d) AS horse_id,
       round(((1.4 + n * n * 0.3) * (1 + ((r.k + n) %% 5) / 50.0))::numeric, 2) AS base,
       1 + (n + r.k) %% r.runners AS finish
FROM yr_race r, generate_series(1, r.runners) n;

INSERT INTO ra_runners (race_id, horse_id, race_date, horse_name, number, draw, age, sex, sex_code,
                        jockey_id, jockey_name, trainer_id, trainer_name, owner_id, owner_name, lbs,
                        ofr, form, position, position_num, sp, sp_dec, btn, finish_time, resulted_at)
SELECT u.race_id, u.horse_id, u.race_date, h.name, u.num, u.num, 3 + u.num %% 6, h.sex, h.sex_code,
       'jky_' || (250000 + 1 + (u.k * 5 + u.d + u.num) %% 500), 'Jockey ' || (1 + (u.k * 5 + u.d + u.num) %% 500),
       'trn_' || (300000 + 1 + (u.k * 3 + u.d + u.num) %% 300), 'Trainer ' || (1 + (u.k * 3 + u.d + u.num) %% 300),
       'own_' || (400000 + 1 + (u.k * 11 + u.d + u.num) %% 2000), 'Owner ' || (1 + (u.k * 11 + u.d + u.num) %% 2000),
       120 + u.num, 60 + u.num, '1-23' || u.num %% 10,
       CASE WHEN u.finish = u.runners THEN 'PU' ELSE u.finish::text END,
       CASE WHEN u.finish = u.runners THEN NULL ELSE u.finish END,
       round((u.base - 1) * 4)::int || '/4', u.base, (u.finish - 1)::text,
       CASE WHEN u.finish = 1 THEN '2:05.31' END, u.off_dt + interval '1 hour'
FROM yr_runner u JOIN ra_horses h ON h.horse_id = u.horse_id
ON CONFLICT DO NOTHING;

INSERT INTO ra_results (race_id, race_date, off_dt, course_id, course, region_code, race_name,
                        winning_time_detail, non_runners, tote_win, tote_pl)
SELECT ra.race_id, ra.race_date, ra.off_dt, ra.course_id, ra.course, ra.region_code, ra.race_name,
       '2m 5.31s (slow by 1.2s)', NULL, '£4.20', '£1.60 £2.10 £3.30'
FROM yr_race r JOIN ra_races ra ON ra.race_id = r.race_id
ON CONFLICT DO NOTHING;

INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, off_dt, country, course_id, course,
                                race_name, race_class, race_type, distance, going, field_size, horse_name,
                                jockey, trainer, number, draw, position, position_num, finished, sp, sp_dec,
                                sp_fav_rank, bookmaker_count, price_min, price_max, price_mean, win_return,
                                place_return, ew_return, ew_fraction, ew_places, created_at, updated_at)
SELECT ru.race_id, ru.horse_id, ru.race_date, (ra.off_dt AT TIME ZONE 'Europe/London')::time, ra.off_dt,
       ra.region_code, ra.course_id, ra.course, ra.race_name, ra.race_class, ra.type, ra.distance, ra.going,
       ra.field_size, ru.horse_name, ru.jockey_name, ru.trainer_name, ru.number, ru.draw, ru.position,
       ru.position_num, ru.position_num IS NOT NULL, ru.sp, ru.sp_dec, ru.number, 22 + (r.d + r.k) %% 7,
       round(ru.sp_dec * 0.95, 2), round(ru.sp_dec * 1.05, 2), ru.sp_dec,
       CASE WHEN ru.position_num = 1 THEN ru.sp_dec ELSE 0 END,
       CASE WHEN ru.position_num <= 3 THEN round(1 + (ru.sp_dec - 1) / 4, 3) ELSE 0 END,
       CASE WHEN ru.position_num = 1 THEN ru.sp_dec ELSE 0 END
         + CASE WHEN ru.position_num <= 3 THEN round(1 + (ru.sp_dec - 1) / 4, 3) ELSE 0 END,
       '1/4', 3, ra.off_dt + interval '10 hours', ra.off_dt + interval '10 hours'
FROM yr_race r JOIN ra_runners ru ON ru.race_id = r.race_id JOIN ra_races ra ON ra.race_id = r.race_id
ON CONFLICT DO NOTHING;

INSERT INTO dh_historical_dates (race_date, state, races, rows, attempts, attempted_at, completed_at)
SELECT r.race_date, 'done', count(DISTINCT r.race_id), sum(r.runners), 1,
       r.race_date + time '23:00', r.race_date + time '23:00'
FROM yr_race r GROUP BY r.race_date
ON CONFLICT (race_date) DO UPDATE SET races = dh_historical_dates.races + excluded.races,
       rows = dh_historical_dates.rows + excluded.rows;
COMMIT;
"""

# One day's price history.  Each (runner, bookmaker) has 10 to 40
# observations spread over the six hours before the off, a price wandering
# within +-15% of the runner's base; previous_decimal is the observation
# before's.  lag() would cost a sort, so the previous price is the same
# formula one step back.  Rows are written in order of observed_at, as dh-live
# writes them cycle after cycle through the day (what makes the BRIN index on
# observed_at selective).
HISTORY_SQL = """
BEGIN;
SET LOCAL synchronous_commit = off;
SET LOCAL jit = off;
SET LOCAL work_mem = '512MB';
CREATE TEMP TABLE yr_book ON COMMIT DROP AS
SELECT bookmaker_id, row_number() OVER (ORDER BY bookmaker_id)::int AS b, type = 'exchange' AS exchange
FROM ra_bookmakers ORDER BY bookmaker_id LIMIT 28;
INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal, previous_decimal)
SELECT ru.race_id, ru.horse_id, k.bookmaker_id,
       ra.off_dt - interval '6 hours' + make_interval(secs => (s * 21600.0 / (c.n + 1)) + k.b),
       CASE WHEN k.exchange THEN p.dec::text ELSE greatest(round((p.dec - 1) * 4), 1)::int || '/4' END,
       p.dec,
       CASE WHEN s > 0 THEN p.prev END
FROM ra_races ra
JOIN ra_runners ru ON ru.race_id = ra.race_id
CROSS JOIN yr_book k
CROSS JOIN LATERAL (SELECT 10 + (hashint4(ru.number * 131 + k.b * 7 + ra.field_size) & 1023) %% 31 AS n) c
CROSS JOIN LATERAL generate_series(0, c.n - 1) s
CROSS JOIN LATERAL (SELECT round(ru.sp_dec * (1 + 0.15 * sin(s * 0.7 + k.b)::numeric), 2) AS dec,
                           round(ru.sp_dec * (1 + 0.15 * sin((s - 1) * 0.7 + k.b)::numeric), 2) AS prev) p
WHERE ra.race_id BETWEEN 'rac_' || (20000000 + %(d0)d * 100) AND 'rac_' || (20000000 + %(d1)d * 100 + 99)
  AND ra.race_date BETWEEN date '%(today)s' - %(d1)d AND date '%(today)s' - %(d0)d
  AND k.b <= 22 + (hashint4(hashtext(ra.race_id)) & 1023) %% 7
ORDER BY 4;
COMMIT;
"""


def _run_queues(url, queues, log):
    """Runs each queue's SQL scripts in order through one psql, the queues at once."""
    procs = []
    for label, sqls in queues:
        p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append((label, p, "".join(sqls)))
    # Each psql reads its script on a thread of its own so that none waits on another's pipe.
    results = {}

    def feed(label, p, sql):
        results[label] = p.communicate(sql)

    threads = [threading.Thread(target=feed, args=item) for item in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for label, p, _ in procs:
        if p.returncode != 0:
            raise RuntimeError("yeardata: %s failed: %s" % (label, results[label][1][-1500:]))
        log("  %s done" % label)


def _run_parallel(url, scripts, jobs, log):
    """Runs each SQL script through psql, jobs at a time."""
    running, todo, done = [], list(scripts), 0
    while todo or running:
        while todo and len(running) < jobs:
            label, sql = todo.pop(0)
            p = subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            running.append((label, p))
        for item in list(running):
            label, p = item
            if p.poll() is not None:
                running.remove(item)
                _, err = p.communicate()
                if p.returncode != 0:
                    for _, q in running:
                        q.kill()
                    raise RuntimeError("yeardata: %s failed: %s" % (label, err[-1500:]))
                done += 1
                log("  %s done (%d of %d)" % (label, done, len(scripts)))
        time.sleep(0.05)


def generate(url, days, today, horses, history=True, jobs=JOBS, log=print):
    """Makes days racing days before today (YYYY-MM-DD) in the database at url
    (a superuser's or the migration owner's), then VACUUM (ANALYZE).  Returns the
    seconds it took."""
    t0 = time.monotonic()
    chunks = [(d0, min(d0 + CHUNK_DAYS - 1, days)) for d0 in range(1, days + 1, CHUNK_DAYS)]
    args = [dict(d0=d0, d1=d1, today=today, horses=horses) for d0, d1 in chunks]
    # Masters first, one chunk at a time (the chunks share dh_historical_dates rows), then history.
    _run_parallel(url, [("masters days %(d0)d-%(d1)d" % a, MASTERS_SQL % a) for a in args], 1, log)
    if history:
        # A queue per job, a day per transaction oldest first; a month's days all go to the same
        # queue (months dealt out in turn), so no two writers ever fill one partition's pages at
        # once and each partition is in observed_at order, as dh-live leaves it.
        first = datetime.date.fromisoformat(today)
        queues = [[] for _ in range(jobs)]
        for d in range(days, 0, -1):
            day = first - datetime.timedelta(days=d)
            queues[(day.year * 12 + day.month) % jobs].append(d)
        queues = [("history days %d-%d (%d days)" % (q[-1], q[0], len(q)),
                   [HISTORY_SQL % dict(d0=d, d1=d, today=today) for d in q]) for q in queues if q]
        _run_queues(url, queues, log)
    _run_parallel(url, [("vacuum", "VACUUM (ANALYZE)")], 1, log)
    return time.monotonic() - t0
