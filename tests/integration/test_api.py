"""The read API end to end: every endpoint of DESIGN.md's "HTTP API" through
nginx against a full racing day loaded by SQL, with the clock frozen at NOW
(DH_NOW): bodies and values (stage boundaries, best prices and favourites,
filters, pagination), headers (X-Query-Count, Cache-Control), the admin key,
a battery of bad input on every endpoint, and the plans PostgreSQL really ran
for dh-api (auto_explain): no sequential scan of a big table.  All of that
with nginx's micro-cache off (DH_API_CACHE=off: no parameter can make a
request miss it, issue 16); then the stack restarts with the cache on for
its own checks (X-Cache, the cache key).

The fixture (fixture_sql) is also what bench/run loads.
"""
import concurrent.futures
import json
import os
import re
import subprocess
import time
import urllib.parse

import api_pages
import harness

NOW = "2025-10-14T12:00:00Z"        # 13:00 in London: the racing day 2025-10-14
TODAY = "2025-10-14"
TOMORROW = "2025-10-15"

# Seconds from NOW to the off of today's first seven races: one already off,
# then one each side of every stage boundary (5, 30 and 120 minutes).
SPECIAL_OFFSETS = [-600, 299, 300, 1799, 1800, 7199, 7200]
RACES_TODAY = 60
RACES_TOMORROW = 12
RUNNERS = 12
BOOKMAKERS = 25
PAST_DAYS = 60
PAST_RACES_PER_DAY = 30
MISSING_DAYS = (7, 20)     # days back with state 'missing' and no rows
FAILED_DAY = 33            # state 'failed'
GAP_DAY = 45               # no dh_historical_dates row at all

COURSES = ["Ascot", "Ayr", "Bath", "Brighton", "Catterick", "Chepstow", "Doncaster", "Exeter",
           "Haydock", "Kempton", "Leicester", "Lingfield", "Newmarket", "Nottingham",
           "Wolverhampton", "York", "Dundalk", "Gowran Park", "Leopardstown", "Naas"]


def race_id_today(i):
    return "rac_%d" % (11800000 + i)


def fixture_sql(horses=20000):
    """SQL that loads masters, a full day of live prices with their history,
    sixty past days of results and historical odds, statistics snapshots and
    worker status.  Deterministic: the same ids and prices every time."""
    courses = ",".join("'%s'" % c for c in COURSES)
    special = ",".join(str(s) for s in SPECIAL_OFFSETS)
    missing = ",".join(str(d) for d in MISSING_DAYS)
    return """
BEGIN;
SET LOCAL synchronous_commit = off;

INSERT INTO ra_courses (course_id, name, region_code, region)
SELECT 'crs_' || (100 + i), n, CASE WHEN i > 16 THEN 'IRE' ELSE 'GB' END,
       CASE WHEN i > 16 THEN 'Ireland' ELSE 'Great Britain' END
FROM unnest(ARRAY[%(courses)s]) WITH ORDINALITY AS c (n, i)
ON CONFLICT DO NOTHING;

INSERT INTO ra_jockeys (jockey_id, name)
SELECT 'jky_' || (250000 + i), 'Jockey ' || chr(65 + i %% 26) || ' Rider' || i FROM generate_series(1, 500) i;
INSERT INTO ra_trainers (trainer_id, name, location)
SELECT 'trn_' || (300000 + i), 'Trainer ' || i, 'Yard ' || (i %% 40) FROM generate_series(1, 300) i;
INSERT INTO ra_owners (owner_id, name)
SELECT 'own_' || (400000 + i), 'Owner ' || i FROM generate_series(1, 2000) i;

INSERT INTO ra_horses (horse_id, name, dob, sex, sex_code, colour, colour_code, region, breeder,
                       sire_id, sire, sire_region, dam_id, dam, dam_region,
                       damsire_id, damsire, damsire_region, enriched_at)
SELECT 'hrs_' || (1000000 + i),
       (ARRAY['Dark','Silver','Golden','Royal','Storm','Lucky','Midnight','Iron','Wild','Noble'])[1 + i %% 10]
       || ' ' || (ARRAY['Arrow','Dancer','Legend','Spirit','Flyer','Prince','Queen','Thunder','Glory','Rebel'])[1 + (i / 10) %% 10]
       || ' ' || i,
       date '2018-01-01' + (i %% 2000),
       (ARRAY['gelding','mare','colt','filly'])[1 + i %% 4], (ARRAY['G','M','C','F'])[1 + i %% 4],
       (ARRAY['bay','chestnut','grey'])[1 + i %% 3], (ARRAY['B','CH','GR'])[1 + i %% 3],
       (ARRAY['GB','IRE','FR'])[1 + i %% 3], 'Breeder ' || (i %% 300),
       'sir_' || (5000 + i %% 200), 'Sire ' || (i %% 200), 'IRE',
       'dam_' || (6000000 + i), 'Dam ' || i, 'GB',
       'dsi_' || (7000 + i %% 150), 'Damsire ' || (i %% 150), 'USA',
       timestamptz '2025-10-01 00:00:00+00'
FROM generate_series(1, %(horses)d) i;
UPDATE ra_horses SET name = 'Zebra Crossing' WHERE horse_id = 'hrs_1000001';
UPDATE ra_horses SET name = 'Zebra Dazzle' WHERE horse_id = 'hrs_1000002';
UPDATE ra_horses SET name = 'Café Noir', sire = 'Ça Alors' WHERE horse_id = 'hrs_1000003';

-- Races: today's (seq 1..60, six courses), tomorrow's, and past days'.
CREATE TEMP TABLE fx_race ON COMMIT DROP AS
SELECT 'rac_' || (11800000 + i) AS race_id, date '%(today)s' AS race_date,
       timestamptz '%(now)s' + make_interval(secs => CASE WHEN i <= 7 THEN (ARRAY[%(special)s])[i]
                                                      ELSE 7200 + (i - 7) * 480 END) AS off_dt,
       i AS seq, 1 + (i - 1) %% 6 AS cidx, 'today' AS kind
FROM generate_series(1, %(races_today)d) i
UNION ALL
SELECT 'rac_' || (11800100 + i), date '%(tomorrow)s',
       timestamptz '%(tomorrow)s 11:00:00+00' + make_interval(mins => i * 20), 100 + i, 7 + i %% 3, 'tomorrow'
FROM generate_series(1, %(races_tomorrow)d) i
UNION ALL
SELECT 'rac_' || (11000000 + d * 100 + k), date '%(today)s' - d,
       ((date '%(today)s' - d) + time '12:00')::timestamp AT TIME ZONE 'UTC' + make_interval(mins => k * 15),
       1000 + d * 100 + k, 1 + (d * 3 + k) %% 20, 'past'
FROM generate_series(1, %(past_days)d) d, generate_series(1, %(past_races)d) k
WHERE d NOT IN (%(missing)s, %(gap)d);

INSERT INTO ra_races (race_id, race_date, off_dt, off_time, course_id, course, region_code, race_name,
                      race_class, type, distance, distance_round, distance_f, prize, field_size, going,
                      surface)
SELECT r.race_id, r.race_date, r.off_dt,
       to_char(r.off_dt AT TIME ZONE 'Europe/London', 'FMHH12:MI'), c.course_id, c.name, c.region_code,
       c.name || ' Race ' || r.seq || ' Handicap', 'Class ' || (1 + r.seq %% 6),
       (ARRAY['Flat','Hurdle','Chase'])[1 + r.seq %% 3], '1m2f', '1m2f', 10.0, '£5,000', %(runners)d,
       'Good', 'Turf'
FROM fx_race r JOIN ra_courses c ON c.course_id = 'crs_' || (100 + r.cidx);

CREATE TEMP TABLE fx_runner ON COMMIT DROP AS
SELECT r.race_id, r.race_date, r.off_dt, r.seq, r.kind, n AS num,
       'hrs_' || (1000000 + 1 + (r.seq * %(runners)d + n) %% %(horses)d) AS horse_id,
       round(((1.4 + n * n * 0.3) * (1 + ((r.seq + n) %% 5) / 50.0))::numeric, 2) AS base,
       1 + (n + r.seq) %% %(runners)d AS finish
FROM fx_race r, generate_series(1, %(runners)d) n;

INSERT INTO ra_runners (race_id, horse_id, race_date, horse_name, number, draw, age, sex, sex_code,
                        jockey_id, jockey_name, trainer_id, trainer_name, owner_id, owner_name, lbs,
                        ofr, form, position, position_num, sp, sp_dec, btn, finish_time, resulted_at)
SELECT u.race_id, u.horse_id, u.race_date, h.name, u.num, u.num, 3 + u.num %% 6, h.sex, h.sex_code,
       'jky_' || (250000 + 1 + (u.seq * 5 + u.num) %% 500), 'Jockey ' || (1 + (u.seq * 5 + u.num) %% 500),
       'trn_' || (300000 + 1 + (u.seq * 3 + u.num) %% 300), 'Trainer ' || (1 + (u.seq * 3 + u.num) %% 300),
       'own_' || (400000 + 1 + (u.seq * 11 + u.num) %% 2000), 'Owner ' || (1 + (u.seq * 11 + u.num) %% 2000),
       120 + u.num, 60 + u.num, '1-23' || u.num %% 10,
       CASE WHEN u.kind <> 'past' THEN NULL WHEN u.finish = %(runners)d THEN 'PU' ELSE u.finish::text END,
       CASE WHEN u.kind <> 'past' OR u.finish = %(runners)d THEN NULL ELSE u.finish END,
       CASE WHEN u.kind = 'past' THEN round((u.base - 1) * 4)::int || '/4' END,
       CASE WHEN u.kind = 'past' THEN u.base END,
       CASE WHEN u.kind = 'past' THEN (u.finish - 1)::text END,
       CASE WHEN u.kind = 'past' AND u.finish = 1 THEN '2:05.31' END,
       CASE WHEN u.kind = 'past' THEN u.off_dt + interval '1 hour' END
FROM fx_runner u JOIN ra_horses h ON h.horse_id = u.horse_id;

INSERT INTO ra_results (race_id, race_date, off_dt, course_id, course, region_code, race_name,
                        winning_time_detail, non_runners, tote_win, tote_pl)
SELECT race_id, race_date, off_dt, course_id, course, region_code, race_name,
       '2m 5.31s (slow by 1.2s)', NULL, '£4.20', '£1.60 £2.10 £3.30'
FROM ra_races WHERE race_date < date '%(today)s';

-- Live prices for today's and tomorrow's races: 25 bookmakers a runner.
CREATE TEMP TABLE fx_book ON COMMIT DROP AS
SELECT bookmaker_id, name, type, row_number() OVER (ORDER BY bookmaker_id) AS b
FROM ra_bookmakers ORDER BY bookmaker_id LIMIT %(bookmakers)d;

INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, off_dt, course_id, course, region_code,
                          race_name, horse_name, number, bookmaker_name, fractional, decimal, ew_places,
                          ew_denom, price_changed_at, fetched_at, upstream_updated_at, created_at, updated_at)
SELECT u.race_id, u.horse_id, k.bookmaker_id, u.race_date, u.off_dt, ra.course_id, ra.course, ra.region_code,
       ra.race_name, h.name, u.num, k.name,
       CASE WHEN k.type = 'exchange' THEN p.dec::text ELSE round((p.dec - 1) * 4)::int || '/4' END,
       p.dec,
       CASE WHEN k.type = 'exchange' THEN NULL WHEN k.b %% 5 = 0 THEN 4 ELSE 3 END,
       CASE WHEN k.type = 'exchange' THEN NULL ELSE 4 END,
       timestamptz '%(now)s' - make_interval(mins => (k.b + u.num)::int),
       timestamptz '%(now)s' - make_interval(secs => (u.seq %% 5) * 10),
       timestamptz '%(now)s' - make_interval(secs => 60 + (u.seq %% 5) * 10),
       timestamptz '%(now)s' - interval '3 hours', timestamptz '%(now)s' - make_interval(secs => (u.seq %% 5) * 10)
FROM fx_runner u
JOIN ra_races ra ON ra.race_id = u.race_id
JOIN ra_horses h ON h.horse_id = u.horse_id
CROSS JOIN fx_book k
CROSS JOIN LATERAL (SELECT round(u.base * (1 + ((k.b * 7 + u.num * 3 + u.seq) %% 11 - 5) / 100.0), 2) AS dec) p
WHERE u.kind <> 'past';

-- Race 3: two bookmakers share runner 5's best price. Race 5: runners 1 and 2 have the same
-- prices, so they are joint favourites.
UPDATE ra_odds_live SET decimal = 40.0, fractional = '39/1'
WHERE race_id = 'rac_11800003' AND number = 5 AND bookmaker_id IN ('bet365', 'coral');
UPDATE ra_odds_live t SET decimal = s.decimal, fractional = s.fractional
FROM ra_odds_live s
WHERE t.race_id = 'rac_11800005' AND s.race_id = t.race_id AND t.number = 2 AND s.number = 1
  AND s.bookmaker_id = t.bookmaker_id;

-- Price movement: four observations per price, the last one the current price.
INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal, previous_decimal)
SELECT l.race_id, l.horse_id, l.bookmaker_id,
       timestamptz '%(now)s' - make_interval(mins => (4 - s) * 30) - make_interval(secs => length(l.bookmaker_id)),
       CASE WHEN s = 3 THEN l.fractional ELSE round((l.decimal * (1 + (3 - s) * 0.04) - 1) * 4)::int || '/4' END,
       CASE WHEN s = 3 THEN l.decimal ELSE round(l.decimal * (1 + (3 - s) * 0.04), 2) END,
       CASE WHEN s = 0 THEN NULL ELSE round(l.decimal * (1 + (4 - s) * 0.04), 2) END
FROM ra_odds_live l, generate_series(0, 3) s;

-- Finished races: one row per runner with SP and returns.
INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, off_dt, country, course_id, course,
                                race_name, race_class, race_type, distance, going, field_size, horse_name,
                                jockey, trainer, number, draw, position, position_num, finished, sp, sp_dec,
                                sp_fav_rank, bookmaker_count, price_min, price_max, price_mean, win_return,
                                place_return, ew_return, ew_fraction, ew_places)
SELECT ru.race_id, ru.horse_id, ru.race_date, (ra.off_dt AT TIME ZONE 'Europe/London')::time, ra.off_dt,
       ra.region_code, ra.course_id, ra.course, ra.race_name, ra.race_class, ra.type, ra.distance, ra.going,
       ra.field_size, ru.horse_name, ru.jockey_name, ru.trainer_name, ru.number, ru.draw, ru.position,
       ru.position_num, ru.position_num IS NOT NULL, ru.sp, ru.sp_dec, ru.number, %(bookmakers)d,
       round(ru.sp_dec * 0.95, 2), round(ru.sp_dec * 1.05, 2), ru.sp_dec,
       CASE WHEN ru.position_num = 1 THEN ru.sp_dec ELSE 0 END,
       CASE WHEN ru.position_num <= 3 THEN round(1 + (ru.sp_dec - 1) / 4, 3) ELSE 0 END,
       CASE WHEN ru.position_num = 1 THEN ru.sp_dec ELSE 0 END
         + CASE WHEN ru.position_num <= 3 THEN round(1 + (ru.sp_dec - 1) / 4, 3) ELSE 0 END,
       '1/4', 3
FROM ra_runners ru JOIN ra_races ra ON ra.race_id = ru.race_id
WHERE ru.race_date < date '%(today)s' AND ru.race_date <> date '%(today)s' - %(failed)d;

-- Backfill coverage: most days done, two missing, one failed, one never seen.
INSERT INTO dh_historical_dates (race_date, state, races, rows, attempts, attempted_at, completed_at, last_error)
SELECT date '%(today)s' - d,
       CASE WHEN d IN (%(missing)s) THEN 'missing' WHEN d = %(failed)d THEN 'failed' ELSE 'done' END,
       CASE WHEN d IN (%(missing)s) OR d = %(failed)d THEN 0 ELSE %(past_races)d END,
       CASE WHEN d IN (%(missing)s) OR d = %(failed)d THEN 0 ELSE %(past_races)d * %(runners)d END,
       1, timestamptz '%(now)s' - make_interval(days => d),
       CASE WHEN d IN (%(missing)s) OR d = %(failed)d THEN NULL ELSE timestamptz '%(now)s' - make_interval(days => d) END,
       CASE WHEN d = %(failed)d THEN 'upstream 503' END
FROM generate_series(1, %(past_days)d) d
WHERE d <> %(gap)d;

-- Snapshots as dh-statistics writes them: ours (a marker here) and the original's block
-- (reference section 4.1; test_workers checks the worker's own against compat_status).
INSERT INTO dh_stats_snapshots (kind, taken_at, body) VALUES
  ('live', timestamptz '%(now)s' - interval '20 minutes', '{"total_records": 1, "marker": "old"}'),
  ('live', timestamptz '%(now)s' - interval '5 minutes', '{"total_records": 21600, "marker": "new",
    "ra_odds_live": {"basic_metrics": {"total_records": 21600, "earliest_race_date": "2025-10-14",
        "latest_race_date": "2025-10-15", "latest_odds_timestamp": "2025-10-14 11:58:00+00:00",
        "latest_fetch": "2025-10-14 12:00:00+00:00"},
      "recent_activity": {"records_last_hour": 21600, "records_last_24h": 21600},
      "unique_entities": {"unique_races": 72, "unique_horses": 864, "unique_courses": 9,
        "unique_bookmakers": 25},
      "bookmaker_coverage": [{"bookmaker_id": "coral", "bookmaker_name": "Coral",
        "bookmaker_type": "fixed", "odds_count": 864, "races_covered": 72, "horses_covered": 864,
        "latest_odds": "2025-10-14T11:42:00+00:00"}],
      "records_per_date": [{"race_date": "2025-10-14", "record_count": 18000, "unique_races": 60,
        "unique_bookmakers": 25}],
      "course_distribution": [{"course": "Ascot", "record_count": 3000, "unique_races": 10,
        "unique_bookmakers": 25}],
      "data_quality": {"null_race_id": 0, "null_horse_id": 0, "null_bookmaker_id": 0,
        "null_race_date": 0, "null_course": 0, "null_horse_name": 0, "null_odds_decimal": 0,
        "null_odds_timestamp": 0, "total_records": 21600},
      "market_status": [{"market_status": "OPEN", "record_count": 21600, "percentage": 100.0}]}}'),
  ('historical', timestamptz '%(now)s' - interval '1 hour', '{"total_records": 20880, "marker": "hist",
    "ra_odds_historical": {"basic_metrics": {"total_records": 20160,
        "earliest_race_date": "2025-08-15 00:00:00+00:00", "latest_race_date": "2025-10-13 00:00:00+00:00",
        "date_range_days": 59, "latest_update": "2025-10-14 11:00:00+00:00"},
      "recent_activity": {"records_last_hour": 0, "records_last_24h": 360, "records_last_7d": 2160},
      "unique_entities": {"unique_horses": 9000, "unique_tracks": 20, "unique_jockeys": 500,
        "unique_trainers": 300, "unique_countries": 2, "unique_races": 1680},
      "records_per_date": [{"race_date": "2025-10-13", "record_count": 360, "unique_races": 30}],
      "country_distribution": [{"country": "GB", "record_count": 16128, "percentage": 80.0}],
      "track_distribution": [{"track": "ASCOT", "record_count": 1008}],
      "data_quality": {"null_date_of_race": 0, "null_track": 0, "null_horse_name": 0,
        "null_industry_sp": 0, "null_finishing_position": 0, "null_jockey": 0, "null_trainer": 0,
        "null_country": 0, "total_records": 20160},
      "odds_coverage": {"has_industry_sp": 20160, "has_pre_race_min": 20160, "has_pre_race_max": 20160,
        "has_forecasted_odds": 20160, "total_records": 20160}}}');

UPDATE dh_worker_status SET state = 'sleeping', last_run_at = timestamptz '%(now)s' - interval '30 seconds',
       last_success_at = timestamptz '%(now)s' - interval '30 seconds',
       next_run_at = timestamptz '%(now)s' + interval '30 seconds', interval_s = 60,
       interval_reason = 'nearest race off in 4 min', cycles = 100, rows_written = 5000,
       host = 'worker-host-1', pid = 4242
WHERE worker = 'live';
UPDATE dh_worker_status SET state = 'sleeping', last_run_at = timestamptz '%(now)s' - interval '11 hours',
       next_run_at = timestamptz '%(tomorrow)s 00:00:00+00', interval_s = 86400,
       interval_reason = 'daily at 01:00 UK time'
WHERE worker = 'historical';
UPDATE dh_worker_status SET state = 'error', last_run_at = timestamptz '%(now)s' - interval '40 minutes',
       next_run_at = timestamptz '%(now)s' - interval '30 minutes', interval_s = 600,
       interval_reason = 'every 10 minutes', last_error = 'could not connect to database',
       last_error_at = timestamptz '%(now)s' - interval '40 minutes'
WHERE worker = 'statistics';
COMMIT;
ANALYZE;
""" % {"courses": courses, "special": special, "missing": missing, "gap": GAP_DAY, "failed": FAILED_DAY,
       "now": NOW, "today": TODAY, "tomorrow": TOMORROW, "horses": horses, "races_today": RACES_TODAY,
       "races_tomorrow": RACES_TOMORROW, "runners": RUNNERS, "bookmakers": BOOKMAKERS,
       "past_days": PAST_DAYS, "past_races": PAST_RACES_PER_DAY}



GROWING = ("ra_odds_history", "ra_runners", "ra_odds_historical")     # with every day of history

# Every route with a concrete path and the query parameters it reads.
ENDPOINTS = [
    ("/health", "/health", []),
    ("/api/health", "/api/health", []),
    ("/version", "/version", []),
    ("/api/live-odds", "/api/live-odds", ["race_date", "course", "bookmaker", "limit", "offset", "after"]),
    ("/api/live-odds/races-by-stage", "/api/live-odds/races-by-stage", ["race_date", "format"]),
    ("/api/live-odds/upcoming-races", "/api/live-odds/upcoming-races", ["hours_ahead", "limit", "offset", "after"]),
    ("/api/live-odds/next-race", "/api/live-odds/next-race", ["format"]),
    ("/api/historical-odds", "/api/historical-odds", ["race_date", "course", "year", "limit", "offset", "after"]),
    ("/api/historical-odds/summary", "/api/historical-odds/summary", []),
    ("/api/historical-odds/coverage", "/api/historical-odds/coverage", ["from", "to"]),
    ("/api/statistics", "/api/statistics", ["table"]),
    ("/api/scheduler-status", "/api/scheduler-status", []),
    ("/api/bookmakers", "/api/bookmakers", ["type", "active", "limit", "offset", "after"]),
    ("/api/courses", "/api/courses", ["region", "limit", "offset", "after"]),
    ("/api/races/{race_id}/odds", "/api/races/rac_11800003/odds", ["format", "at"]),
    ("/api/races/{race_id}/odds/history", "/api/races/rac_11800003/odds/history",
     ["horse_id", "bookmaker", "points"]),
    ("/api/db-health/stats", "/api/db-health/stats", ["long_query_seconds"]),
    ("/metrics", "/metrics", []),
    ("/api/openapi.json", "/api/openapi.json", []),
    ("/api/masters", "/api/masters/", []),
    ("/api/masters/health", "/api/masters/health", []),
    ("/api/masters/stats", "/api/masters/stats", []),
    ("/api/masters/courses", "/api/masters/courses", ["region", "name", "limit", "offset", "after"]),
    ("/api/masters/courses/{id}", "/api/masters/courses/crs_101", []),
    ("/api/masters/bookmakers", "/api/masters/bookmakers", ["type", "limit", "offset", "after"]),
    ("/api/masters/jockeys", "/api/masters/jockeys", ["name", "limit", "offset", "after"]),
    ("/api/masters/jockeys/{id}", "/api/masters/jockeys/jky_250001", []),
    ("/api/masters/trainers", "/api/masters/trainers", ["name", "limit", "offset", "after"]),
    ("/api/masters/trainers/{id}", "/api/masters/trainers/trn_300001", []),
    ("/api/masters/owners", "/api/masters/owners", ["name", "limit", "offset", "after"]),
    ("/api/masters/horses", "/api/masters/horses", ["name", "region", "limit", "offset", "after"]),
    ("/api/masters/horses/{id}", "/api/masters/horses/hrs_1000005", []),
    ("/api/masters/races", "/api/masters/races", ["course_id", "race_date", "region", "limit", "offset", "after"]),
    ("/api/masters/races/{id}", "/api/masters/races/rac_11800003", []),
    ("/api/masters/runners", "/api/masters/runners",
     ["race_id", "horse_id", "jockey_id", "trainer_id", "limit", "offset", "after"]),
    ("/api/masters/results", "/api/masters/results", ["course_id", "race_date", "region", "limit", "offset", "after"]),
    ("/api/masters/results/{race_id}", "/api/masters/results/rac_11000101", []),
    ("/api/races/{race_id}/odds/summary", "/api/races/rac_11000101/odds/summary", []),
    ("/api/form/leaderboard", "/api/form/leaderboard", ["kind", "window", "sort", "min_runs", "limit"]),
    ("/api/analysis/early-price", "/api/analysis/early-price", ["from", "to"]),
    ("/api/movers", "/api/movers", ["window", "race_date", "region", "race_id", "sort", "limit"]),
    ("/api/export/historical-odds", "/api/export/historical-odds?from=2025-10-13", ["from", "to", "format"]),
    ("/api/export/price-history", "/api/export/price-history?from=2025-10-14&race_id=rac_11800003",
     ["from", "to", "format", "race_id"]),
    ("/api/export/results", "/api/export/results?from=2025-10-13", ["from", "to", "format"]),
]

LIVE = "public, max-age=5"
MASTERS = "public, max-age=300"


class Api:
    """Requests with a unique tag (the suite's stack has no micro-cache: the tag
    only makes each request its own line in the access log)."""

    def __init__(self, st):
        self.st = st
        self.n = 0

    def get(self, path, fresh=True, **kw):
        if fresh:
            self.n += 1
            path += ("&" if "?" in path else "?") + "_t=%d" % self.n
        return self.st.get(path, **kw)

    def json(self, path, **kw):
        """The response and its body parsed (once), or None when it is not JSON."""
        r = self.get(path, **kw)
        json_type = r.headers.get("content-type", "").startswith("application/json")
        return r, (r.json() if json_type else None)


def sql_rows(st, sql):
    rc, out, err = st.psql(sql)
    if rc != 0:
        raise RuntimeError(err)
    return [line.split("|") for line in out.splitlines() if line]


def detail_names(body):
    return sorted(i["loc"][-1] for i in body.get("detail", [])) if isinstance(body, dict) else None


# --- Odds API ----------------------------------------------------------------

def check_live_odds(t, api):
    r, d = api.json("/api/live-odds?limit=1000")
    t.check("live-odds: 200, success, a full page of 1000",
            r.status == 200 and d["success"] is True and d["count"] == 1000 and len(d["data"]) == 1000
            and d["limit"] == 1000 and d["offset"] == 0, r)
    row = d["data"][0]
    t.check("live-odds: rows carry ids as strings, prices as numbers",
            all(isinstance(row[k], str) for k in ("race_id", "horse_id", "bookmaker_id"))
            and isinstance(row["decimal"], (int, float)) and row["fractional"], row)
    offs = [x["off_dt"] for x in d["data"]]
    t.check("live-odds: ordered by the off", offs == sorted(offs), offs[:3])
    r, d = api.json("/api/live-odds?limit=5&offset=21598")
    t.check("live-odds: the last page is short (21600 rows)", r.status == 200 and d["count"] == 2, r)
    r, d = api.json("/api/live-odds?offset=50000")
    t.check("live-odds: offset past the end is an empty page", r.status == 200 and d["data"] == []
            and d["next_after"] is None, r)
    r, d = api.json("/api/live-odds?race_date=%s&limit=1000&offset=3000" % TOMORROW)
    t.check("live-odds: race_date filters (tomorrow: 12 races x 12 runners x 25 = 3600)",
            r.status == 200 and d["count"] == 600 and all(x["race_date"] == TOMORROW for x in d["data"]), r)
    r, d = api.json("/api/live-odds?course=aSCOT&limit=1000")
    t.check("live-odds: course filters by name, case-insensitively",
            r.status == 200 and d["count"] > 0 and {x["course"] for x in d["data"]} == {"Ascot"}, r)
    r, d = api.json("/api/live-odds?bookmaker=bet365&race_date=%s&limit=1000" % TODAY)
    t.check("live-odds: bookmaker filters (60 races x 12 runners)",
            r.status == 200 and d["count"] == 720 and {x["bookmaker_id"] for x in d["data"]} == {"bet365"}, r)
    r, d = api.json("/api/live-odds?course=ASC&race_date=%s&limit=1000" % TODAY)
    t.check("live-odds: course is a case-insensitive substring, as the original's",
            r.status == 200 and d["count"] > 0 and {x["course"] for x in d["data"]} == {"Ascot"}, r)
    r, d = api.json("/api/live-odds?course=%25&limit=5")
    t.check("live-odds: % in a filter is a literal character, not a wildcard",
            r.status == 200 and d["count"] == 0, r)
    r, d = api.json("/api/live-odds?bookmaker=PADDY%%20p&race_date=%s&limit=1000" % TODAY)
    t.check("live-odds: bookmaker by part of its display name, any case (60 races x 12 runners)",
            r.status == 200 and d["count"] == 720 and {x["bookmaker_name"] for x in d["data"]} == {"Paddy Power"}, r)
    r, d = api.json("/api/live-odds?bookmaker=paddypower&race_date=%s&limit=1000" % TODAY)
    t.check("live-odds: bookmaker by the original's id (paddypower, 0008)",
            r.status == 200 and d["count"] == 720 and {x["bookmaker_id"] for x in d["data"]} == {"paddypower"}, r)
    r, d = api.json("/api/live-odds?bookmaker=paddy_power&race_date=%s&limit=1000" % TODAY)
    t.check("live-odds: bookmaker by our earlier id (paddy_power)",
            r.status == 200 and d["count"] == 720 and {x["bookmaker_id"] for x in d["data"]} == {"paddypower"}, r)
    r, d = api.json("/api/live-odds?bookmaker=&course=&limit=3")
    t.check("live-odds: an empty filter is no filter, as the original's", r.status == 200 and d["count"] == 3, r)
    row = d["data"][0] if r.status == 200 and d["data"] else {}
    t.check("live-odds: the original's columns from the masters (jockey, trainer, race type, weight in lbs)",
            row.get("jockey", "").startswith("Jockey ") and row.get("trainer", "").startswith("Trainer ")
            and row.get("race_type") in ("Flat", "Hurdle", "Chase") and row.get("distance") == "1m2f"
            and row.get("runners") == RUNNERS and row.get("weight") == str(120 + row.get("number", 0))
            and row.get("horse_number") == row.get("number") and row.get("odds_decimal") == row.get("decimal")
            and row.get("race_time") == "12:50:00" and row.get("bookmaker_type") == "fixed"
            and isinstance(row.get("id"), int), row)
    for q, names in (("limit=0", ["limit"]), ("limit=1001", ["limit"]), ("offset=-1", ["offset"]),
                     ("race_date=2025-02-30&bookmaker=" + "b" * 101, ["bookmaker", "race_date"])):
        r, d = api.json("/api/live-odds?" + q)
        t.check("live-odds: %s is a 422 naming %s" % (q, names), r.status == 422 and detail_names(d) == names, r)


def expected_board(st, race_date):
    """{race_id: ({horse_id: (best, [bookmakers at best])}, [favourites], favourite's price)},
    worked out by SQL straight from ra_odds_live."""
    rows = sql_rows(st, """
        WITH p AS (SELECT race_id, horse_id, bookmaker_id, decimal,
                          max(decimal) OVER (PARTITION BY race_id, horse_id) AS best
                     FROM ra_odds_live WHERE race_date = '%s')
        SELECT race_id, horse_id, best, string_agg(bookmaker_id, ',' ORDER BY bookmaker_id COLLATE "C")
          FROM p WHERE decimal = best GROUP BY race_id, horse_id, best""" % race_date)
    board = {}
    for race, horse, best, books in rows:
        board.setdefault(race, {})[horse] = (float(best), books.split(","))
    out = {}
    for race, best in board.items():
        fav = min(b for b, _ in best.values())
        out[race] = (best, sorted(h for h, (b, _) in best.items() if abs(b - fav) < 1e-9), fav)
    return out


def compact_prices(pairs):
    """json object hook: a price becomes a (bookmaker_id, fractional, decimal) tuple, a fraction of
    a dict's memory (this process's peak RSS shows in its children's ru_maxrss, which other suites
    measure)."""
    if len(pairs) == 3 and pairs[0][0] == "bookmaker_id" and pairs[1][0] == "fractional":
        return tuple(v for _, v in pairs)
    return dict(pairs)


def check_races_by_stage(t, api, st):
    r = api.get("/api/live-odds/races-by-stage")
    d = json.loads(r.body, object_pairs_hook=compact_prices) if r.status == 200 else None
    r.body = b""
    ok = r.status == 200 and isinstance(d, dict) and d.get("success") is True
    t.check("races-by-stage: 200 with the four stages", ok and set(d["stages"]) ==
            {"at_post", "going_to_post", "pre_race", "early_market"}, r)
    if not ok:
        return
    ids = {k: [x["race_id"] for x in v] for k, v in d["stages"].items()}
    t.check("races-by-stage: every race not yet off by default (race_date null), tomorrow's included",
            d["race_date"] is None, d["race_date"])
    t.check("races-by-stage: 4:59 to the off is at_post; the race already off is left out",
            ids["at_post"] == [race_id_today(2)], ids["at_post"])
    t.check("races-by-stage: exactly 5:00 and 29:59 are going_to_post",
            ids["going_to_post"] == [race_id_today(3), race_id_today(4)], ids["going_to_post"])
    t.check("races-by-stage: exactly 30:00 and 119:59 are pre_race",
            ids["pre_race"] == [race_id_today(5), race_id_today(6)], ids["pre_race"])
    t.check("races-by-stage: exactly 120:00 and later are early_market (54 races today, 12 tomorrow)",
            ids["early_market"][:54] == [race_id_today(i) for i in range(7, RACES_TODAY + 1)]
            and len(ids["early_market"]) == 54 + RACES_TOMORROW, len(ids["early_market"]))
    t.check("races-by-stage: counts and total", d["counts"] == {"at_post": 1, "going_to_post": 2, "pre_race": 2,
                                                                "early_market": 66} and d["total_races"] == 71,
            d["counts"])
    races = [x for v in d["stages"].values() if v for x in v if x["race_date"] == TODAY]
    first = d["stages"]["at_post"][0]
    t.check("races-by-stage: a race's fields, minutes to the off and next phase",
            first["off_dt"] == "2025-10-14T12:04:59+00:00" and first["off_time"] == "13:04"
            and first["seconds_to_off"] == 299 and abs(first["minutes_to_off"] - 4.98) < 0.01
            and first["next_phase"] == "off" and first["next_phase_at"] == first["off_dt"]
            and first["course"] == "Ayr" and first["race_name"] and first["prices_updated_at"]
            and first["runner_count"] == RUNNERS and first["bookmaker_count"] == BOOKMAKERS, first)
    t.check("races-by-stage: the original's race fields (race_time, runners as a count, minutes_until, next phase)",
            first["race_time"] == "13:04:59" and first["runners"] == RUNNERS
            and abs(first["minutes_until"] - 299 / 60) < 1e-5 and first["next_phase_name"] == "Race Start"
            and first["next_phase_minutes"] == 5.0 and first["next_phase_time"] == first["off_dt"]
            and first["last_updated"] == first["prices_updated_at"] and first["distance"] == "1m2f"
            and first["race_type"] in ("Flat", "Hurdle", "Chase"), first)
    data = first["runners_data"]
    bests = [u["best_odds_decimal"] for u in data]
    t.check("races-by-stage: runners_data shortest-priced first, is_favorite on the favourite (C1), "
            "all_odds by bookmaker name, highest first",
            bests == sorted(bests) and data[0]["is_favorite"] is True and data[-1]["is_favorite"] is False
            and all(u["best_odds_decimal"] == u["all_odds"][0]["odds_decimal"] == u["best_price"]["decimal"]
                    and u["best_bookmaker"] == u["all_odds"][0]["bookmaker"] and len(u["all_odds"]) == BOOKMAKERS
                    and u["horse_number"] == u["number"] for u in data)
            and [a["odds_decimal"] for a in data[0]["all_odds"]]
            == sorted((a["odds_decimal"] for a in data[0]["all_odds"]), reverse=True), data[0]["all_odds"][:3])
    pre = d["stages"]["pre_race"][1]
    t.check("races-by-stage: next phase of a pre_race race is going_to_post at 30 minutes before the off",
            pre["next_phase"] == "going_to_post" and pre["next_phase_at"] == "2025-10-14T13:29:59+00:00"
            and abs(pre["minutes_to_next_phase"] - 89.98) < 0.01, pre)
    t.check("races-by-stage: every runner with every price",
            all(len(x["runners_data"]) == RUNNERS and all(len(u["prices"]) == BOOKMAKERS for u in x["runners_data"])
                for x in races), None)
    board = expected_board(st, TODAY)
    bad = []
    for x in races:
        best, favs, fav = board[x["race_id"]]
        for u in x["runners_data"]:
            b, books = best[u["horse_id"]]
            if abs(u["best_price"]["decimal"] - b) > 1e-9 or u["best_price"]["bookmakers"] != books:
                bad.append(("best", x["race_id"], u["horse_id"], u["best_price"], b, books))
            if u["favourite"] != (u["horse_id"] in favs):
                bad.append(("favourite", x["race_id"], u["horse_id"]))
        if x["favourite"]["horse_id"] not in favs or abs(x["favourite"]["decimal"] - fav) > 1e-9 \
                or x["favourite"]["joint"] != (len(favs) > 1):
            bad.append(("race favourite", x["race_id"], x["favourite"], favs))
    t.check("races-by-stage: best price = highest decimal (all its bookmakers), favourite = lowest best price, "
            "for every runner of every race", not bad, bad[:3])
    r3 = next(x for x in races if x["race_id"] == race_id_today(3))
    five = next(u for u in r3["runners_data"] if u["number"] == 5)
    t.check("races-by-stage: a best price shared by two bookmakers lists both",
            five["best_price"]["decimal"] == 40.0 and five["best_price"]["bookmakers"] == ["bet365", "coral"]
            and five["best_price"]["fractional"] == "39/1" and five["best_bookmaker"] == "Bet365", five["best_price"])
    r5 = next(x for x in races if x["race_id"] == race_id_today(5))
    t.check("races-by-stage: runners with the same lowest price are joint favourites",
            r5["favourite"]["joint"] is True
            and sorted(u["number"] for u in r5["runners_data"] if u["favourite"] and u["is_favorite"]) == [1, 2],
            r5["favourite"])
    r, d = api.json("/api/live-odds/races-by-stage?race_date=" + TOMORROW)
    t.check("races-by-stage: tomorrow's races are all early_market",
            r.status == 200 and d["counts"]["early_market"] == RACES_TOMORROW and d["total_races"] == RACES_TOMORROW, r)
    r, d = api.json("/api/live-odds/races-by-stage?race_date=2025-10-13")
    t.check("races-by-stage: a past day is empty but valid",
            r.status == 200 and d["total_races"] == 0 and d["stages"]["at_post"] == [], r)
    r, d = api.json("/api/live-odds/races-by-stage?race_date=14-10-2025")
    t.check("races-by-stage: a bad date is a 422 naming race_date", r.status == 422 and detail_names(d) == ["race_date"], r)


def check_upcoming_and_next(t, api):
    counts = {}
    for h in (1, 2, 24, 168):
        r, d = api.json("/api/live-odds/upcoming-races?hours_ahead=%d" % h)
        counts[h] = d["count"] if r.status == 200 else None
    # Off within [now, now + h): 1 h: races 2-5; 2 h: 2-6 (7 is at exactly 2 h);
    # 24 h: 59 today and tomorrow's two before 12:00; 168 h: all 71 to come.
    t.check("upcoming-races: hours_ahead is honoured (1: 4, 2: 5, 24: 61, 168: 71)",
            counts == {1: 4, 2: 5, 24: 61, 168: 71}, counts)
    r, d = api.json("/api/live-odds/upcoming-races?hours_ahead=1")
    first = d["races"][0]
    t.check("upcoming-races: the original's data (race_id, race_date, race_time, course, race_name), soonest first",
            d["data"] == d["races"] and first["race_time"] == "13:04:59" and first["race_date"] == TODAY, first)
    t.check("upcoming-races: a race's fields and counts",
            first["race_id"] == race_id_today(2) and first["runners"] == RUNNERS
            and first["bookmakers"] == BOOKMAKERS and abs(first["minutes_to_off"] - 4.98) < 0.01
            and first["off_time"] == "13:04" and d["until"] == "2025-10-14T13:00:00+00:00", first)
    r, d = api.json("/api/live-odds/upcoming-races?hours_ahead=168&limit=10&offset=65")
    t.check("upcoming-races: pages", r.status == 200 and d["count"] == 6, r)
    for q in ("hours_ahead=0", "hours_ahead=169", "hours_ahead=1.5", "hours_ahead="):
        r, d = api.json("/api/live-odds/upcoming-races?" + q)
        t.check("upcoming-races: %s is a 422" % q, r.status == 422 and detail_names(d) == ["hours_ahead"], r)
    r, d = api.json("/api/live-odds/next-race")
    t.check("next-race: the next race to run, with runners and prices",
            r.status == 200 and d["success"] and d["race"]["race_id"] == race_id_today(2)
            and d["race"]["stage"] == "at_post" and len(d["race"]["runners_data"]) == RUNNERS, r)
    nxt = d.get("next_race") or {}
    t.check("next-race: the original's keys over today's racecards (C14): the first race not yet off, "
            "the first ten races, counts and the polling interval",
            nxt.get("race_id") == race_id_today(2) and nxt.get("started") is False and nxt.get("minutes_until") == 5.0
            and nxt.get("race_time") == "13:04:59" and len(d["races_today"]) == 10
            and d["races_today"][0]["race_id"] == race_id_today(1) and d["races_today"][0]["started"] is True
            and d["races_today"][0]["minutes_until"] == -10.0 and d["total_races_today"] == RACES_TODAY
            and d["races_finished"] == 1 and d["races_upcoming"] == RACES_TODAY - 1
            and d["current_interval"] == "10 seconds (imminent)" and "message" not in d, d.get("races_today", [])[:2])


def check_historical(t, api):
    r, d = api.json("/api/historical-odds?limit=3")
    t.check("historical-odds: newest first, success and rows",
            r.status == 200 and d["success"] and d["count"] == 3 and d["data"][0]["race_date"] == "2025-10-13"
            and isinstance(d["data"][0]["race_id"], str), r)
    r, d = api.json("/api/historical-odds?race_date=2025-10-12&limit=1000")
    t.check("historical-odds: race_date filters (30 races x 12)",
            r.status == 200 and d["count"] == 360 and {x["race_date"] for x in d["data"]} == {"2025-10-12"}, r)
    r, d = api.json("/api/historical-odds?course=ascot&limit=1000")
    t.check("historical-odds: course filters by name, case-insensitively",
            r.status == 200 and d["count"] > 0 and {x["course"] for x in d["data"]} == {"Ascot"}, r)
    r1, d1 = api.json("/api/historical-odds?year=2025&limit=1")
    r2, d2 = api.json("/api/historical-odds?year=2024")
    t.check("historical-odds: year filters", d1["count"] == 1 and d2["count"] == 0, (r1, r2))
    r, d = api.json("/api/historical-odds?year=1800")
    t.check("historical-odds: an absurd year is a 422", r.status == 422 and detail_names(d) == ["year"], r)
    r1, d1 = api.json("/api/historical-odds?year=2014")
    r2, d2 = api.json("/api/historical-odds?year=2026")
    r3, d3 = api.json("/api/historical-odds?year=2015")
    t.check("historical-odds: year is 2015 to the current year (C5), empty pages say so",
            r1.status == 422 and r2.status == 422 and r3.status == 200 and d3["count"] == 0
            and d3["message"] == "No historical data available yet", (r1, r2, r3))
    r, d = api.json("/api/historical-odds?course=SCO&limit=1000")
    t.check("historical-odds: course matches a substring of the name, any case",
            r.status == 200 and d["count"] > 0 and {x["course"] for x in d["data"]} == {"Ascot"}, r)
    r, d = api.json("/api/historical-odds?course=%25&limit=5")
    t.check("historical-odds: % in course is a letter, not a wildcard", r.status == 200 and d["count"] == 0, r)
    r, d = api.json("/api/historical-odds?race_date=2025-10-13&limit=1000")
    row = next((x for x in d["data"] if x["position"] == "1"), {}) if r.status == 200 else {}
    t.check("historical-odds: the original's columns beside ours (track, date_of_race, race_time in UK time, "
            "industry_sp, ...)",
            row.get("track") == (row.get("course") or "").upper()
            and row.get("date_of_race") == "2025-10-13T00:00:00+00:00"
            and row.get("industry_sp") == row.get("sp_dec") and row.get("finishing_position") == "1"
            and row.get("runners_count") == RUNNERS and isinstance(row.get("racing_bet_data_id"), int)
            and row.get("match_timestamp") == row.get("off_dt") and row.get("race_class_name", "").startswith("Class")
            and isinstance(row.get("race_class"), int) and row.get("winning_distance") == "0"
            and len({x["racing_bet_data_id"] for x in d["data"]}) == len(d["data"]), row)
    first = min(d["data"], key=lambda x: x["off_dt"]) if r.status == 200 else {}
    t.check("historical-odds: race_time is the 24-hour UK time of the off (C3)",
            first.get("off_dt") == "2025-10-13T12:15:00+00:00" and first.get("race_time") == "13:15:00", first)
    r, d = api.json("/api/historical-odds/summary")
    s = d["summary"] if r.status == 200 else {}
    t.check("historical-odds/summary: totals from the backfill bookkeeping",
            s.get("total_records") == 20160 and s.get("days_done") == 56 and s.get("days_missing") == 2
            and s.get("days_failed") == 1 and s.get("earliest_date") == "2025-08-15"
            and s.get("latest_date") == "2025-10-13" and d["by_year"][0]["year"] == 2025, d)
    t.check("historical-odds/summary: the original's keys, exact (C12)",
            d.get("total_records") == 20160 and d.get("unique_races_sample") == 1680
            and d.get("earliest_date") == "2025-08-15T00:00:00+00:00"
            and d.get("latest_date") == "2025-10-13T00:00:00+00:00" and d.get("date_range") == "2025 - 2025", d)
    r, d = api.json("/api/historical-odds/coverage")
    missing = {"2025-10-%02d" % (14 - x) for x in (7,)} | {"2025-09-24", "2025-09-11", "2025-08-30"}
    t.check("historical-odds/coverage: 90 days to yesterday, dates present and missing",
            r.status == 200 and d["from"] == "2025-07-16" and d["to"] == "2025-10-13" and d["days"] == 90
            and d["present_count"] == 56 and d["missing_count"] == 34 and missing <= set(d["missing"])
            and "2025-10-13" in d["present"] and len(d["dates"]) == 90, d and {k: d[k] for k in d if k != "dates"})
    failed = [x for x in d["dates"] if x["date"] == "2025-09-11"]
    t.check("historical-odds/coverage: each date's state (failed, with its error)",
            failed and failed[0]["state"] == "failed" and failed[0]["last_error"] == "upstream error"
            and not failed[0]["has_data"], failed)
    r, d = api.json("/api/historical-odds/coverage?from=2025-10-01&to=2025-10-10")
    t.check("historical-odds/coverage: from and to", r.status == 200 and d["days"] == 10
            and d["missing"] == ["2025-10-07"], r)
    r, d = api.json("/api/historical-odds/coverage?from=2025-10-10&to=2025-10-01")
    t.check("historical-odds/coverage: from after to is a 422", r.status == 422 and detail_names(d) == ["from"], r)
    r, d = api.json("/api/historical-odds/coverage?from=2020-01-01&to=2025-01-01")
    t.check("historical-odds/coverage: more than 366 days is a 422", r.status == 422, r)


def check_status(t, api, st):
    r, d = api.json("/api/statistics?table=live")
    t.check("statistics: table=live is the latest live snapshot",
            r.status == 200 and d["success"] and d["statistics"]["live"]["marker"] == "new"
            and set(d["statistics"]) == {"live"}, r)
    r, d = api.json("/api/statistics")
    t.check("statistics: all kinds by default", r.status == 200 and d["table"] == "all"
            and set(d["statistics"]) == {"live", "historical"}
            and d["snapshots"]["live"]["taken_at"] == "2025-10-14T11:55:00+00:00", r)
    data = d.get("data", {}) if r.status == 200 else {}
    t.check("statistics: the original's nested blocks under data (live, historical, combined)",
            set(data) == {"live", "historical", "combined"} and data["live"]["table"] == "live"
            and data["live"]["timestamp"] == "2025-10-14T11:55:00+00:00"
            and data["live"]["ra_odds_live"]["basic_metrics"]["total_records"] == 21600
            and data["historical"]["ra_odds_historical"]["unique_entities"]["unique_races"] == 1680
            and data["combined"]["timestamp"] == "2025-10-14T11:55:00+00:00"
            and "ra_odds_live" not in d["statistics"]["live"] and "message" not in d, data.keys())
    r, d = api.json("/api/statistics?table=historical")
    t.check("statistics: table=historical has no combined block", r.status == 200 and set(d["data"]) == {"historical"}, r)
    r, d = api.json("/api/statistics?table=everything")
    t.check("statistics: an unknown table is a 422", r.status == 422 and detail_names(d) == ["table"], r)
    r, d = api.json("/api/scheduler-status")
    workers = {w["worker"]: w for w in d["workers"]} if r.status == 200 else {}
    t.check("scheduler-status: the four workers with schedule, state, runs, interval and reason",
            set(workers) == {"live", "historical", "statistics", "masters"}
            and all(w["schedule"] for w in workers.values())
            and workers["live"]["interval_s"] == 60 and workers["live"]["interval_reason"]
            and workers["live"]["next_run_at"] == "2025-10-14T12:00:30+00:00", d)
    t.check("scheduler-status: stale flag (statistics overdue by 30 min; live on time; masters not started)",
            workers["statistics"]["stale"] is True and workers["live"]["stale"] is False
            and workers["masters"]["stale"] is False and d["stale"] == ["statistics"]
            and workers["statistics"]["last_error"] == "database error", workers.get("statistics"))
    sched = d.get("schedulers", {})
    t.check("scheduler-status: the original's schedulers from the workers' status (C10)",
            set(sched) == {"live_odds", "historical_odds", "statistics_updater"}
            and sched["live_odds"]["status"] == "success" and sched["live_odds"]["next_interval"] == 60
            and sched["live_odds"]["last_success"] == "2025-10-14T11:59:30+00:00"
            and sched["statistics_updater"]["status"] == "failed"
            and sched["historical_odds"]["schedule"] == "Daily at 1:00 AM UK time"
            and sched["historical_odds"]["details"]["coverage"] == "GB & IRE races from 2015 onwards"
            and "next_check" not in sched["historical_odds"] and d["system_info"]["regions_covered"] == ["GB", "IRE"],
            sched)
    r, d = api.json("/api/bookmakers")
    t.check("bookmakers: the seeded list", r.status == 200 and d["success"] and d["count"] == 38
            and d["bookmakers"][0]["bookmaker_id"] == "10bet", r)
    types = {b["name"]: b["type"] for b in d["data"]} if r.status == 200 else {}
    t.check("bookmakers: the original's data [{id, name, type}], exchanges typed exchange (C16)",
            len(d["data"]) == d["count"] and types.get("Betfair Exchange") == "exchange"
            and types.get("Coral") == "fixed" and set(types.values()) == {"fixed", "exchange"}, types)
    r, d = api.json("/api/bookmakers?type=exchange")
    t.check("bookmakers: type filters", r.status == 200 and {b["bookmaker_id"] for b in d["bookmakers"]}
            == {"betfairexchange", "matchbook"}, r)
    r, d = api.json("/api/courses?region=ire")
    t.check("courses: still compatible (region filter)", r.status == 200 and d["success"] and d["count"] == 4
            and all(c["region_code"] == "IRE" for c in d["courses"])
            and [c["name"] for c in d["data"]] == [c["name"] for c in d["courses"]], r)


def check_statistics_empty(t, api, st):
    rc, _, err = st.psql("DELETE FROM dh_stats_snapshots")
    r, d = api.json("/api/statistics?table=all")
    t.check("statistics: no snapshot yet is empty but valid", rc == 0 and r.status == 200 and d["success"]
            and d["statistics"] == {} and d["snapshots"] == {} and d["data"] == {}
            and d["message"] == "Statistics not available yet - data collection in progress", (err, r))


# --- Masters API -------------------------------------------------------------

def check_masters(t, api):
    for coll, key, n in (("courses", "course_id", 20), ("bookmakers", "bookmaker_id", 38),
                         ("jockeys", "jockey_id", 500), ("trainers", "trainer_id", 300),
                         ("owners", "owner_id", 2000), ("horses", "horse_id", None), ("races", "race_id", None),
                         ("runners", "race_id", None), ("results", "race_id", None)):
        r, d = api.json("/api/masters/%s?limit=2" % coll)
        t.check("masters/%s: {count, data} with string ids" % coll,
                r.status == 200 and d["count"] == 2 and len(d["data"]) == 2
                and isinstance(d["data"][0][key], str), r)
        if n:
            r, d = api.json("/api/masters/%s?limit=1000&offset=%d" % (coll, n - 1))
            t.check("masters/%s: the last page (%d rows)" % (coll, n), r.status == 200 and d["count"] == 1, r)
    r, d = api.json("/api/masters/")
    t.check("masters/: lists the 18 Masters API endpoints", r.status == 200 and d["count"] == 18, r)
    r, d = api.json("/api/masters/stats")
    t.check("masters/stats: rows per table", r.status == 200 and d["count"] == 9
            and {x["table"] for x in d["data"]} >= {"ra_horses", "ra_runners"}, r)
    r, d = api.json("/api/masters/health")
    t.check("masters/health", r.status == 200 and d["status"] == "healthy", r)

    r, d = api.json("/api/masters/horses?name=zeB")
    t.check("masters/horses: name matches in any case",
            r.status == 200 and [h["name"] for h in d["data"]] == ["Zebra Crossing", "Zebra Dazzle"], r)
    r, d = api.json("/api/masters/horses?name=" + urllib.parse.quote("CAFÉ"))
    t.check("masters/horses: unicode names (Café Noir)", r.status == 200 and d["count"] == 1
            and d["data"][0]["name"] == "Café Noir", r)
    r, d = api.json("/api/masters/horses?name=%25&limit=5")
    t.check("masters/horses: % and _ are letters, not wildcards", r.status == 200 and d["count"] == 0, r)
    r, d = api.json("/api/masters/horses?name=dark%20arrow%2010&limit=1000")
    t.check("masters/horses: a longer name narrows",
            r.status == 200 and d["count"] > 0 and all(h["name"].lower().startswith("dark arrow 10") for h in d["data"]), r)
    r, d = api.json("/api/masters/horses?name=CROSS")
    t.check("masters/horses: name matches a substring anywhere in the name",
            r.status == 200 and [h["name"] for h in d["data"]] == ["Zebra Crossing"], r)
    r, d = api.json("/api/masters/horses?limit=1000")
    names = [h["name"].lower() for h in d["data"]]
    t.check("masters/horses: ordered by name", names == sorted(names, key=lambda s: s.encode()), names[:3])
    r, d = api.json("/api/masters/jockeys?name=jockey%20b%20rider1")
    t.check("masters/jockeys: name filter", r.status == 200 and d["count"] > 0
            and all(j["name"].startswith("Jockey B Rider1") for j in d["data"]), r)
    r, d = api.json("/api/masters/courses?region=IRE")
    t.check("masters/courses: region filter", r.status == 200 and d["count"] == 4, r)
    r, d = api.json("/api/masters/races?course_id=crs_101&race_date=" + TODAY)
    t.check("masters/races: course_id and race_date filters (10 races at Ascot today)",
            r.status == 200 and d["count"] == 10 and {x["course_id"] for x in d["data"]} == {"crs_101"}, r)
    r, d = api.json("/api/masters/races?region=ire&limit=1000")
    t.check("masters/races: region filter", r.status == 200 and d["count"] > 0
            and {x["region_code"] for x in d["data"]} == {"IRE"}, r)
    r, d = api.json("/api/masters/runners?race_id=rac_11800003")
    t.check("masters/runners: race_id filter, by number",
            r.status == 200 and d["count"] == RUNNERS and [x["number"] for x in d["data"]] == list(range(1, 13)), r)
    r, d = api.json("/api/masters/runners?horse_id=hrs_1000040&limit=1000")
    t.check("masters/runners: horse_id filter, newest first",
            r.status == 200 and d["count"] > 1 and {x["horse_id"] for x in d["data"]} == {"hrs_1000040"}
            and [x["race_date"] for x in d["data"]] == sorted([x["race_date"] for x in d["data"]], reverse=True), r)
    r, d = api.json("/api/masters/results?race_date=2025-10-13&limit=1000")
    t.check("masters/results: race_date filter, with the winner",
            r.status == 200 and d["count"] == 30 and all(x["winner"]["horse_id"] for x in d["data"]), r)

    r, d = api.json("/api/masters/horses/hrs_1000003")
    t.check("masters/horses/{id}: the horse with its pedigree",
            r.status == 200 and d["name"] == "Café Noir" and d["pedigree"]["sire"]["name"] == "Ça Alors"
            and d["pedigree"]["dam"]["id"] == "dam_6000003" and d["pedigree"]["damsire"]["region"] == "USA"
            and d["pedigree"]["breeder"] == "Breeder 3", r)
    r, d = api.json("/api/masters/races/rac_11800003")
    t.check("masters/races/{id}: the race with its runners", r.status == 200 and d["race_id"] == "rac_11800003"
            and len(d["runners"]) == RUNNERS and d["runners"][0]["number"] == 1, r)
    r, d = api.json("/api/masters/results/rac_11000101")
    pos = [x["position_num"] for x in d["runners"]] if r.status == 200 else []
    t.check("masters/results/{race_id}: every runner's result, by position",
            r.status == 200 and len(pos) == RUNNERS and pos[:11] == list(range(1, 12)) and pos[11] is None
            and d["runners"][11]["position"] == "PU", pos)
    for path, key, want in (("courses/crs_101", "name", "Ascot"), ("jockeys/jky_250001", "name", "Jockey B Rider1"),
                            ("trainers/trn_300001", "location", "Yard 1")):
        r, d = api.json("/api/masters/" + path)
        t.check("masters/%s" % path, r.status == 200 and d.get(key) == want, r)
    for coll in ("courses", "jockeys", "trainers", "horses", "races", "results"):
        r, d = api.json("/api/masters/%s/xyz_000" % coll)
        t.check("masters/%s/{unknown}: 404 \"... not found\"" % coll,
                r.status == 404 and d["detail"].endswith("not found") and "xyz_000" in d["detail"], r)
        r, d = api.json("/api/masters/%s/%s" % (coll, urllib.parse.quote("a b'c")))
        t.check("masters/%s/{bad id}: 422 naming the path parameter" % coll,
                r.status == 422 and d["detail"][0]["loc"] == ["path", "race_id" if coll == "results" else "id"], r)
    r, d = api.json("/api/masters/horses/%s" % ("h" * 65))
    t.check("masters/horses/{65 characters}: 422", r.status == 422, r)
    r, d = api.json("/api/masters/runners?race_id=rac_1%27%20OR%20%271%27=%271")
    t.check("masters/runners: an injection in a filter is a 422", r.status == 422
            and detail_names(d) == ["race_id"], r)


# --- Races -------------------------------------------------------------------

def check_race_odds(t, api, st):
    r, d = api.json("/api/races/%s/odds" % race_id_today(3))
    ok = r.status == 200 and d["success"] and d["source"] == "live"
    t.check("races/{id}/odds: 200 from the live prices", ok, r)
    if not ok:
        return
    race = d["race"]
    books = [b["bookmaker_id"] for b in race["bookmakers"]]
    t.check("races/{id}/odds: bookmakers are the columns, in order, with each-way terms",
            len(books) == BOOKMAKERS and books == sorted(books, key=lambda s: s.encode())
            and all(b["ew_terms"] for b in race["bookmakers"])
            and next(b for b in race["bookmakers"] if b["bookmaker_id"] == "betfairexchange")["ew_terms"] == "win only"
            and next(b for b in race["bookmakers"] if b["bookmaker_id"] == "bettom")["ew_places"] == 4,
            race["bookmakers"][:3])
    t.check("races/{id}/odds: standard each-way terms for 12 runners (1/4 odds, 3 places)",
            race["each_way"] == {"places": 3, "fraction": "1/4", "terms": "1/4 odds, 3 places"}, race["each_way"])
    five = next(u for u in race["runners"] if u["number"] == 5)
    marked = sorted(k for k, v in five["prices"].items() if v["best"])
    t.check("races/{id}/odds: runners are the rows, prices keyed by bookmaker, the best marked",
            len(race["runners"]) == RUNNERS and len(five["prices"]) == BOOKMAKERS and marked == ["bet365", "coral"]
            and five["prices"]["coral"]["decimal"] == 40.0 and five["prices"]["coral"]["changed_at"], marked)
    t.check("races/{id}/odds: the favourite marked", race["favourite"]["number"] == 1
            and [u["number"] for u in race["runners"] if u["favourite"]] == [1], race["favourite"])
    r, d = api.json("/api/races/rac_11000101/odds")
    t.check("races/{id}/odds: a finished race without prices is the race with no runners",
            r.status == 200 and d["source"] == "history" and d["race"]["runners"] == [], r)
    rc, _, err = st.psql("INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal) "
                         "SELECT 'rac_11000102', horse_id, 'coral', off_dt - interval '1 hour', '2/1', 3.0 "
                         "FROM ra_runners JOIN ra_races USING (race_id) WHERE race_id = 'rac_11000102' UNION ALL "
                         "SELECT 'rac_11000102', horse_id, 'coral', off_dt - interval '10 minutes', '5/2', 3.5 "
                         "FROM ra_runners JOIN ra_races USING (race_id) WHERE race_id = 'rac_11000102'")
    r, d = api.json("/api/races/rac_11000102/odds")
    t.check("races/{id}/odds: once off, the last observed prices from the history",
            rc == 0 and r.status == 200 and d["source"] == "history" and len(d["race"]["runners"]) == RUNNERS
            and d["race"]["runners"][0]["prices"]["coral"]["decimal"] == 3.5
            and d["race"]["runners"][0]["horse_name"] and d["race"]["stage"] == "off", (err, r))
    # Point in time: each price's last change at or before the instant, from the history.
    at = "2025-10-14T10:45:00Z"
    want = sql_rows(st, "SELECT h.decimal FROM ra_odds_history h JOIN ra_odds_live l USING (race_id, horse_id, "
                    "bookmaker_id) WHERE race_id = '%s' AND l.number = 1 AND bookmaker_id = 'coral' AND "
                    "observed_at <= '%s' ORDER BY observed_at DESC LIMIT 1" % (race_id_today(3), at))
    now = sql_rows(st, "SELECT decimal FROM ra_odds_live WHERE race_id = '%s' AND number = 1 "
                   "AND bookmaker_id = 'coral'" % race_id_today(3))
    r, d = api.json("/api/races/%s/odds?at=%s" % (race_id_today(3), at))
    one = next((u for u in d["race"]["runners"] if u["number"] == 1), {}) if r.status == 200 else {}
    t.check("races/{id}/odds?at=: the grid as it stood then, from the history",
            r.status == 200 and d["source"] == "history" and d["at"] == "2025-10-14T10:45:00+00:00"
            and len(d["race"]["runners"]) == RUNNERS and want and want != now
            and one["prices"]["coral"]["decimal"] == float(want[0][0]), (want, now, one.get("prices", {}).get("coral")))
    r, d = api.json("/api/races/%s/odds?at=2025-10-14T06:00:00%%2B01:00" % race_id_today(3))
    t.check("races/{id}/odds?at=: before the first recorded price, the race without runners",
            r.status == 200 and d["race"]["runners"] == [] and d["at"] == "2025-10-14T05:00:00+00:00", r)
    r, d = api.json("/api/races/%s/odds?at=2025-10-14T10:45:00" % race_id_today(3))
    t.check("races/{id}/odds?at=: an instant without its zone is a 422", r.status == 422
            and detail_names(d) == ["at"], r)
    r, d = api.json("/api/races/rac_00000000/odds")
    t.check("races/{id}/odds: an unknown race is a 404", r.status == 404 and d["detail"].endswith("not found"), r)
    r, d = api.json("/api/races/%s/odds" % urllib.parse.quote("rac'--"))
    t.check("races/{id}/odds: a bad id is a 422", r.status == 422 and d["detail"][0]["loc"] == ["path", "race_id"], r)

    r, d = api.json("/api/races/%s/odds/history" % race_id_today(3))
    ok = r.status == 200 and d["success"]
    series = d["series"] if ok else []
    t.check("races/{id}/odds/history: a series per runner and bookmaker (12 x 25), 4 observations each",
            ok and d["series_count"] == RUNNERS * BOOKMAKERS and all(s["count"] == 4 for s in series), r)
    pts = series[0]["points"] if series else []
    t.check("races/{id}/odds/history: points oldest first, the last one the current price",
            [p["observed_at"] for p in pts] == sorted(p["observed_at"] for p in pts) and series[0]["horse_name"], pts)
    r, d = api.json("/api/races/%s/odds/history?points=2&horse_id=hrs_1000038&bookmaker=coral" % race_id_today(3))
    t.check("races/{id}/odds/history: points, horse_id and bookmaker bound it (the last 2 points)",
            r.status == 200 and d["series_count"] == 1 and d["series"][0]["count"] == 2
            and d["series"][0]["points"][1]["observed_at"] > d["series"][0]["points"][0]["observed_at"]
            and d["series"][0]["points"][1]["observed_at"] == "2025-10-14T11:29:55+00:00", r)
    r, d = api.json("/api/races/%s/odds/history?points=501" % race_id_today(3))
    t.check("races/{id}/odds/history: points over 500 is a 422", r.status == 422 and detail_names(d) == ["points"], r)
    r, d = api.json("/api/races/rac_00000000/odds/history")
    t.check("races/{id}/odds/history: an unknown race is a 404", r.status == 404, r)
    r, d = api.json("/api/races/rac_11000103/odds/history")
    t.check("races/{id}/odds/history: a known race without movement is empty", r.status == 200
            and d["series"] == [], r)


# --- Admin, metrics, OpenAPI ---------------------------------------------------

def apikey(st, *args):
    env = dict(st.env, LOG_LEVEL="warn")
    return subprocess.run([os.path.join(harness.ROOT, "build", "bin", "dh-apikey")] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


def check_admin(t, api, st):
    r, d = api.json("/api/db-health/stats")
    t.check("db-health: no key is a 401 JSON with WWW-Authenticate, never cached",
            r.status == 401 and "detail" in d and r.headers.get("www-authenticate", "").startswith("Bearer")
            and r.headers.get("cache-control") == "no-store", r)
    for header in ("Bearer nope", "Basic dXNlcjpwYXNz", "Bearer ", "Bearer dhk_" + "0" * 64, "bearer  " + "x" * 300):
        r, d = api.json("/api/db-health/stats", headers={"Authorization": header})
        t.check("db-health: %r is refused with 401" % header[:24], r.status == 401 and d and "detail" in d, r)
    p = apikey(st, "create", "integration test")
    key = p.stdout.strip()
    t.check("dh-apikey create prints a new key once and stores its hash",
            p.returncode == 0 and re.fullmatch(r"dhk_[0-9a-f]{64}", key), (p.returncode, p.stdout, p.stderr))
    rc, out, _ = st.psql("SELECT count(*) FROM dh_api_keys WHERE key_hash = encode(sha256(convert_to('%s', 'UTF8')), 'hex')"
                         % key)
    t.check("dh_api_keys holds the SHA-256 of the key, not the key", rc == 0 and out == "1", out)
    path = "/api/db-health/stats?long_query_seconds=0"
    r = st.get(path, headers={"Authorization": "Bearer " + key})
    r2 = st.get(path, headers={"Authorization": "Bearer " + key})
    d = r.json() or {}
    t.check("db-health: the key is accepted: connections, tables, indexes, cache hit ratio, long queries",
            r.status == 200 and d.get("success") and d["connections"]["total"] > 0
            and any(x["table"] == "ra_odds_live" for x in d["tables"]) and d["indexes"]
            and d["cache_hit_ratio"] is not None and isinstance(d["long_running_queries"], list)
            and d["database"]["size_bytes"] > 0, r)
    t.check("db-health: the key checked and the statistics gathered in one statement (BEGIN READ WRITE, "
            "it, COMMIT)", r.headers.get("x-query-count") == "3", r.headers.get("x-query-count"))
    t.check("db-health: answers are never cached", r.headers.get("cache-control") == "no-store"
            and r2.headers.get("x-cache") in (None, "BYPASS", "MISS") and r2.status == 200, r2.headers)
    rc, _, err = st.psql("REVOKE EXECUTE ON FUNCTION dh_touch_api_key(text) FROM dh_reader")
    r = st.get(path + "&fallback=1", headers={"Authorization": "Bearer " + key})
    bad = st.get(path + "&fallback=2", headers={"Authorization": "Bearer " + key + "x"})
    st.psql("GRANT EXECUTE ON FUNCTION dh_touch_api_key(text) TO dh_reader")
    t.check("db-health: when dh_touch_api_key() cannot run (as on a replica) the hash is checked with a SELECT",
            rc == 0 and r.status == 200 and (r.json() or {}).get("success") and bad.status == 401, (err, r, bad))
    p = apikey(st, "list")
    t.check("dh-apikey list shows the key and that it was used",
            p.returncode == 0 and "integration test" in p.stdout
            and re.search(r"integration test\s+\S+ \S+\s+\d{4}-\d\d-\d\d", p.stdout), p.stdout + p.stderr)
    key_id = re.search(r"^(key_[0-9a-f]+)\s+integration test", p.stdout, re.M)
    p = apikey(st, "revoke", key_id.group(1) if key_id else "key_missing")
    r = st.get(path, headers={"Authorization": "Bearer " + key})
    t.check("dh-apikey revoke: the key stops working", p.returncode == 0 and r.status == 401, (p.stderr, r))
    p = apikey(st, "revoke", "key_nope")
    t.check("dh-apikey revoke of an unknown id fails", p.returncode == 1, p.stderr)
    p = apikey(st)
    t.check("dh-apikey without a command is a usage error", p.returncode == 64 and "usage" in p.stderr, p.stderr)


def check_public_view(t, api, st):
    """Issue 16, item 8: scheduler-status and the coverage report show the
    public summaries, with no host or pid; the admin key shows the detail,
    never from or into the micro-cache."""
    r, d = api.json("/api/scheduler-status")
    workers = {w["worker"]: w for w in d["workers"]} if r.status == 200 else {}
    t.check("scheduler-status, anonymous: every field there, host and pid null, errors summarised",
            workers and all("host" in w and w["host"] is None and "pid" in w and w["pid"] is None
                            for w in workers.values())
            and workers["statistics"]["last_error"] == "database error"
            and "connect" not in r.body.decode(), workers.get("statistics"))
    r, d = api.json("/api/scheduler-status", headers={"Authorization": "Bearer dhk_" + "0" * 64})
    t.check("scheduler-status: an unknown key is the public view, not a 401",
            r.status == 200 and {w["worker"]: w for w in d["workers"]}["statistics"]["last_error"] == "database error",
            r)
    key = apikey(st, "create", "public view test").stdout.strip()
    auth = {"Authorization": "Bearer " + key}
    r, d = api.json("/api/scheduler-status", headers=auth)
    r2 = st.get("/api/scheduler-status", headers=auth)
    workers = {w["worker"]: w for w in d["workers"]} if r.status == 200 else {}
    t.check("scheduler-status with the admin key: the error text, host and pid",
            workers and workers["statistics"]["last_error"] == "could not connect to database"
            and workers["live"]["host"] is not None and workers["live"]["pid"] is not None, workers.get("live"))
    t.check("scheduler-status with the admin key: no-store, never from the micro-cache",
            r.headers.get("cache-control") == "no-store" and r2.headers.get("x-cache") in (None, "BYPASS"),
            (r.headers, r2.headers))
    r, d = api.json("/api/scheduler-status")
    t.check("scheduler-status, anonymous after an operator's request: still the summary",
            r.status == 200 and {w["worker"]: w for w in d["workers"]}["statistics"]["last_error"] == "database error",
            r)
    r, d = api.json("/api/historical-odds/coverage", headers=auth)
    failed = [x for x in d["dates"] if x["date"] == "2025-09-11"] if r.status == 200 else []
    t.check("coverage with the admin key: each failed date's error text",
            failed and failed[0]["last_error"] == "upstream 503" and r.headers.get("cache-control") == "no-store",
            failed)


def check_metrics(t, api, st):
    def count(text, route, status):
        m = re.search(r'^dh_api_requests_total\{route="%s",status="%s"\} (\d+)$' % (re.escape(route), status),
                      text, re.M)
        return int(m.group(1)) if m else 0

    before = st.get("/metrics").body.decode()
    for _ in range(40):
        api.get("/api/bookmakers?limit=1")
    r = st.get("/metrics")
    text = r.body.decode()
    t.check("metrics: Prometheus text 0.0.4, no-store",
            r.status == 200 and r.headers.get("content-type", "").startswith("text/plain; version=0.0.4")
            and r.headers.get("cache-control") == "no-store" and "# TYPE dh_api_requests_total counter" in text, r)
    t.check("metrics: requests by route and status, counted across the whole pool (+40)",
            count(text, "/api/bookmakers", "200") - count(before, "/api/bookmakers", "200") == 40
            and count(text, "/api/live-odds", "422") > 0, (count(before, "/api/bookmakers", "200"),
                                                           count(text, "/api/bookmakers", "200")))
    t.check("metrics: a latency histogram and database errors",
            re.search(r'dh_api_request_duration_seconds_bucket\{route="/api/bookmakers",le="\+Inf"\} \d+', text)
            and 'dh_api_request_duration_seconds_count{route="/api/bookmakers"}' in text
            and 'dh_api_db_errors_total{kind="unavailable"}' in text and "dh_api_metrics_shared 1" in text, text[-800:])


# Served by nginx's nchan, described by dh-api (tests/integration/test_push.py).
STREAMS = {"/api/stream/board", "/api/stream/races/{race_id}"}


def check_openapi(t, api):
    r, d = api.json("/api/openapi.json")
    paths = set(d["paths"]) if r.status == 200 else set()
    want = {e[0] for e in ENDPOINTS} | STREAMS
    t.check("openapi.json: every route is described, nothing more",
            paths == want and d["openapi"].startswith("3."), sorted(paths ^ want))
    live = d["paths"]["/api/live-odds"]["get"]
    t.check("openapi.json: parameters and bodies", {p["name"] for p in live["parameters"]}
            == {"race_date", "course", "bookmaker", "limit", "offset", "after"}
            and "422" in live["responses"] and "RacesByStage" in d["components"]["schemas"], live)


# --- Headers -----------------------------------------------------------------

def check_headers(t, api, st):
    never = NEVER_CACHED
    live = {"/api/live-odds", "/api/live-odds/races-by-stage", "/api/live-odds/upcoming-races",
            "/api/live-odds/next-race", "/api/scheduler-status", "/api/races/{race_id}/odds",
            "/api/races/{race_id}/odds/history", "/api/movers", "/api/races/{race_id}/odds/summary"}
    bad = []
    for pattern, path, _ in ENDPOINTS:
        r = api.get(path)
        cc = r.headers.get("cache-control")
        want = "no-store" if pattern in never else LIVE if pattern in live else None
        qc = int(r.headers.get("x-query-count", "99"))
        if pattern.startswith("/api/export/"):
            qc = min(qc, 2)   # BEGIN, the range's settings and the bounded count precede the COPY: by design
        if (want and cc != want) or (want is None and not (cc or "").startswith("public, max-age=")):
            bad.append((path, "cache-control", cc))
        if qc > 2:
            bad.append((path, "x-query-count", qc))
        if "x-query-time" not in r.headers:
            bad.append((path, "no x-query-time"))
        if pattern.startswith("/api/masters/") and pattern not in never and cc != MASTERS:
            bad.append((path, "masters cache", cc))
    t.check("headers: Cache-Control per route (live seconds, masters minutes, admin/health no-store), "
            "X-Query-Count <= 2, X-Query-Time", not bad, bad)


# --- The micro-cache (the stack restarted with DH_API_CACHE=on) ----------------

NEVER_CACHED = {"/health", "/api/health", "/api/masters/health", "/api/db-health/stats", "/metrics",
                "/api/export/historical-odds", "/api/export/price-history", "/api/export/results"}


def check_cache_hits(t, st):
    bad = []
    for pattern, path, _ in ENDPOINTS:
        if pattern in NEVER_CACHED:
            continue
        first, second = st.get(path), st.get(path)
        if not (first.headers.get("x-cache") in ("MISS", "HIT") and second.headers.get("x-cache") == "HIT"
                and first.body == second.body):
            bad.append((path, first.headers.get("x-cache"), second.headers.get("x-cache")))
    t.check("cache: cacheable answers are served from nginx's cache on repeat (X-Cache: HIT)", not bad, bad)
    hits = [st.get(p).headers.get("x-cache") for p in ("/api/health", "/api/health", "/metrics", "/metrics")]
    t.check("cache: never-cacheable routes skip the cache", "HIT" not in hits, hits)
    r = st.get("/api/courses?limit=2")
    r2 = st.get("/api/courses?limit=2", headers={"Authorization": "Bearer junk"})
    t.check("cache: an Authorization header does not skip the micro-cache on public routes (no cache busting)",
            r2.headers.get("x-cache") == "HIT", (r.headers.get("x-cache"), r2.headers.get("x-cache")))


def check_cache_key(t, st):
    """Issue 16, item 3: the key is the route's own parameters in its order, read as
    dh-api reads them: what the route ignores cannot miss the cache, and no
    spelling of a parameter can plant one request's answer on another."""
    def get(q):
        r = st.get("/api/live-odds" + q)
        return r.status, r.headers.get("x-cache"), (r.json() or {}) if r.status in (200, 422) else {}

    base = get("?limit=3&race_date=%s" % TODAY)
    same = [get(q) for q in ("?race_date=%s&limit=3" % TODAY, "?limit=3&race_date=%s&u=1" % TODAY,
                             "?_=%d&race_date=%s&limit=3&%%41=2&X=3" % (time.time_ns(), TODAY))]
    t.check("cache key: other parameters, another order, an unknown or escaped name: the same entry (HIT)",
            base[0] == 200 and all(s[:2] == (200, "HIT") and s[2] == base[2] for s in same),
            [s[:2] for s in [base] + same])
    # Spellings nginx's $arg_ would read as limit=3 but dh-api does not: each its own answer.
    cases = {
        "?race_date=%s&LIMIT=3" % TODAY: (200, 100),            # an upper-case name is not limit
        "?race_date=%s&%%6Cimit=3" % TODAY: (200, 100),         # nor an escaped one
        "?race_date=%s&limit=3&limit=4" % TODAY: (422, None),   # a repeat is refused
        "?race_date=%s&limit=3;x=1" % TODAY: (422, None),       # ";" is part of the value
        "?race_date=%s&limit=" % TODAY: (422, None),            # empty is not absent
        "?race_date=%s&limit=3&x=%%zz" % TODAY: (400, None),    # a bad escape anywhere is a 400
    }
    bad = []
    for q, (status, limit) in cases.items():
        for _ in range(2):   # twice: the second may come from the cache, and must be the same
            got = get(q)
            if got[0] != status or (limit is not None and got[2].get("limit") != limit):
                bad.append((q, got[:2], got[2].get("limit")))
    t.check("cache key: an upper-case, escaped, repeated or empty limit, or one with \";\", is never "
            "answered as limit=3 (nor a bad escape)", not bad, bad)
    check_declared(t, st)


def check_declared(t, st):
    """The key's blind spot: a handler reading a parameter its route does not declare."""
    logs = subprocess.run("grep -h 'does not declare' %s/log/dh-api*.log || true" % st.var, shell=True,
                          capture_output=True, text=True).stdout
    t.check("cache key: no handler read a parameter its route does not declare",
            logs == "", logs[:2000])


# --- Bad input -----------------------------------------------------------------

BAD_VALUES = [
    "' OR '1'='1", "1; DROP TABLE ra_horses; --", "%27%3B%20DROP%20TABLE%20ra_runners%3B--", "x" * 8192,
    "%00", "a%00b", "%C3%28", "%E2%80%93", "%F0%9F%90%8E", "%ED%A0%80", "-1", "99999999999999999999999",
    "1e3", "NaN", "", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%3Cscript%3E", "null", "true", "[]", "{}",
    "2025-13-01", "0x10", "%205", "+5", "\\", "%", "%zz", "rac_1%20OR%201=1", "%FF%FE",
]


def check_bad_input(t, api, st):
    def looks_json(r):
        # Large 200 bodies (a full day's board) are checked by their ends, not parsed: eight
        # threads parsing 1.3 MB each would swell this process (and every later suite's children).
        if not r.headers.get("content-type", "").startswith("application/json"):
            return False
        if len(r.body) < 65536:
            return r.is_json()
        return r.body[:1] == b"{" and r.body[-1:] == b"}"

    def send(path):
        r = st.get(path, timeout=30)
        ctype = r.headers.get("content-type", "")
        ok = r.status in (200, 400, 401, 404, 414, 422) and (looks_json(r) or (path.startswith("/metrics")
                                                                                and ctype.startswith("text/plain")))
        return None if ok else (path[:120], r.status, r.body[:120])

    # The board of a past day is empty: the battery need not fetch a full day's board 1000 times.
    small = {"/api/live-odds/races-by-stage": "race_date=2025-10-13"}
    paths = []
    for pattern, path, params in ENDPOINTS:
        for name in params + ["zzz", "limit"]:
            base = path + "?" + (small[pattern] + "&" if pattern in small and name not in small[pattern] else "")
            for v in BAD_VALUES:
                paths.append("%s%s=%s" % (base, name, v.replace(" ", "%20")))
            paths.append("%s%s=1&%s=2" % (base, name, name))
        paths.append(path + "?" + "&".join("p%d=1" % i for i in range(60)))
        paths.append(path + "?" + "&".join("p%d=1" % i for i in range(70)))
        paths.append(path + "?=x&&&;;a=%20&b")
        if "{" in pattern:
            for v in ("a%20b", "%27%20OR%201=1--", "x" * 200, "%C3%28", "..", "%2e%2e", "rac_1;DROP", "%F0%9F%90%8E"):
                paths.append(pattern.replace("{race_id}", v).replace("{id}", v))
    failures = []
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for i in range(0, len(paths), 200):     # in slices: thousands of pending futures weigh
            failures += [f for f in pool.map(send, paths[i:i + 200]) if f]
    t.check("bad input: %d requests (injection, 8 KB, NULs, bad UTF-8, unicode, repeated, unknown, too many) "
            "on every endpoint: 400/404/414/422 JSON, never a 500" % len(paths), not failures, failures[:5])
    rc, out, err = st.psql("SELECT (SELECT count(*) FROM ra_horses) > 0 AND (SELECT count(*) FROM ra_runners) > 0")
    t.check("bad input: nothing reached SQL as text (tables intact)", rc == 0 and out == "t", err)
    alive = [p for p, s in st.status().items() if p.startswith("dh-api:") and s == "RUNNING"]
    pids = [st.pid(p) for p in alive]
    t.check("bad input: no dh-api process died", len(alive) == 4 and all(pids), st.status())
    for q, names in (("race_date=x&course=%s&bookmaker=%s&limit=x&offset=x" % ("c" * 101, "b" * 101),
                      ["bookmaker", "course", "limit", "offset", "race_date"]),):
        r, d = api.json("/api/live-odds?" + q)
        t.check("bad input: every bad parameter is named in one 422", r.status == 422 and detail_names(d) == names, r)
    r = st.get("/api/live-odds?limit=5&limit=6")
    t.check("bad input: a repeated parameter is a 422 naming it", r.status == 422
            and "more than once" in r.json()["detail"][0]["msg"], r)


# --- Plans ---------------------------------------------------------------------

# Each list endpoint with filters in several combinations (with a day, a name, ids...).
PLAN_FILTERS = {
    "/api/live-odds": ["", "race_date=%s" % TODAY, "race_date=%s" % TOMORROW, "course=Ascot", "bookmaker=coral",
                       "race_date=%s&course=bath&bookmaker=coral" % TODAY, "bookmaker=bet365&course=york"],
    "/api/live-odds/upcoming-races": ["", "hours_ahead=1", "hours_ahead=6", "hours_ahead=168"],
    "/api/historical-odds": ["", "race_date=2025-10-01", "course=ascot", "year=2025", "course=york&year=2025",
                             "race_date=2025-09-01&course=a"],
    "/api/masters/races": ["", "course_id=crs_101", "race_date=2025-10-01", "region=ire",
                           "course_id=crs_105&race_date=2025-10-13"],
    "/api/masters/results": ["", "course_id=crs_105", "race_date=2025-10-01", "region=gb"],
    "/api/masters/runners": ["", "race_id=rac_11800003", "horse_id=hrs_1000040", "jockey_id=jky_250007",
                             "trainer_id=trn_300005", "horse_id=hrs_1000040&jockey_id=jky_250007"],
    "/api/masters/horses": ["", "name=zebra", "region=ire", "name=dark&region=gb"],
    "/api/masters/jockeys": ["", "name=jockey%20c"],
    "/api/masters/trainers": ["", "name=a"],
    "/api/masters/owners": ["", "name=owner%201"],
    "/api/masters/courses": ["", "region=gb", "name=asc"],
    "/api/masters/bookmakers": ["", "type=exchange"],
    "/api/bookmakers": ["", "type=bookmaker", "active=true"],
    "/api/courses": ["", "region=ire"],
}


def plan_urls(api):
    """At least 24 requests of each list endpoint: its filter combinations, each at several page
    sizes and offsets and after a cursor."""
    urls = []
    for path, filters in PLAN_FILTERS.items():
        mine = []
        for f in filters:
            q = path + "?" + (f + "&" if f else "")
            r, d = api.json(q + "limit=3")
            after = d.get("next_after") if r.status == 200 and isinstance(d, dict) else None
            mine += [q + "limit=1000", q + "limit=5&offset=100", q + "offset=2000"]
            mine += [q + "limit=50&after=" + after, q + "limit=2&offset=7&after=" + after] if after else []
        while len(mine) < 24:
            mine += [u + "&limit=%d" % (len(mine) + 1) if "limit=" not in u else u for u in mine[:24 - len(mine)]]
        urls += mine
    return urls


def check_plans(t, api, st):
    """Every statement dh-api runs, its list endpoints' 24 times or more with varied filters,
    logged with its plan by auto_explain: each plan custom (the parameters' values in place of
    $n; dh-api plans its statements for their values) but the masters item lookups' (one row by
    its key: DB_STMT_GENERIC, a generic plan on purpose), none a Seq Scan on a table that grows
    with history (GROWING), run once check_deep_pages has made those tables 300,000 rows long
    (on the fixture's 20,000 a seq scan can be the right plan for a filter).  ra_odds_live is not one: it holds the prices of a day or two
    (dh-live prunes them after the off), and a custom plan may rightly read it whole for a
    request that covers most of it (upcoming races over a week, a filtered day 2000 rows in)."""
    key = apikey(st, "create", "plans").stdout.strip()
    urls = [path for pattern, path, _ in ENDPOINTS if pattern != "/api/db-health/stats"] + [
        "/api/live-odds/races-by-stage?race_date=" + TOMORROW,
        "/api/races/rac_11000102/odds", "/api/races/rac_11800010/odds/history?points=1&horse_id=hrs_1000133",
    ] + plan_urls(api)

    def run():
        # Every process runs every statement well past PostgreSQL's five custom plans.
        # Statuses only: keeping every response (full-day boards among them) would swell this process.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda u: api.st.get(u + ("&" if "?" in u else "?") + "_p=%d" % time.time_ns()).status,
                          urls * 3))
            list(pool.map(lambda _: st.get("/api/db-health/stats?_p=%d" % time.time_ns(),
                                           headers={"Authorization": "Bearer " + key}).status, range(8)))

    plans = api_pages.explain_log(st, run)
    if not t.check("plans: auto_explain for dh_reader", plans is not None):
        return
    seq, generic = [], []
    for query, lines in plans:
        for line in lines:
            m = re.search(r"Seq Scan on (\w+)", line)
            if m and any(m.group(1) == b or m.group(1).startswith(b + "_") for b in GROWING):
                seq.append((m.group(1), query))
        item = re.match(r"SELECT row_to_json\(x\)::text AS body FROM \(SELECT .* WHERE \S+ = \$1\) x$",
                        query.strip(), re.S)
        if api_pages.generic_params(lines) and not item:
            generic.append((api_pages.generic_params(lines), query))
    t.check("plans: %d plans of dh-api's statements logged (%d requests)" % (len(plans), len(urls) * 3),
            len(plans) > len(urls) * 2, len(plans))
    t.check("plans: every plan custom (no statement went generic)", not generic, generic[:5])
    t.check("plans: no Seq Scan on " + ", ".join(GROWING), not seq, seq[:5])


# --- Export ------------------------------------------------------------------

EXPORT_MAX_ROWS = 30000   # the api stack's DH_EXPORT_MAX_ROWS: today's 72,000 price changes are over it


def check_export(t, api, st):
    import csv
    import gzip
    import io
    first, last = "2025-08-16", "2025-10-13"
    want = int(sql_rows(st, "SELECT count(*) FROM ra_odds_historical WHERE race_date BETWEEN '%s' AND '%s'"
                        % (first, last))[0][0])
    r = api.get("/api/export/historical-odds?from=%s&to=%s" % (first, last))
    rows = list(csv.reader(io.StringIO(r.body.decode()))) if r.status == 200 else []
    t.check("export: historical-odds as CSV, a header line then every row of the range (%d)" % want,
            r.status == 200 and r.headers.get("content-type") == "text/csv; charset=utf-8"
            and rows[0][:3] == ["race_id", "horse_id", "race_date"] and len(rows) == want + 1 and want > 10000,
            (r.status, r.headers, len(rows)))
    t.check("export: a download (Content-Disposition names the range), never cached",
            r.headers.get("content-disposition") == 'attachment; filename="historical-odds_%s_%s.csv"' % (first, last)
            and r.headers.get("cache-control") == "no-store" and "content-length" not in r.headers, r.headers)
    t.check("export: CSV rows in race order with SP returns", rows[1][2] == first and rows[-1][2] == last, rows[1][:3])
    r = api.get("/api/export/historical-odds?from=%s&to=%s" % (first, last), headers={"Accept-Encoding": "gzip"})
    t.check("export: gzipped by nginx", r.status == 200 and r.headers.get("content-encoding") == "gzip"
            and len(gzip.decompress(r.body).splitlines()) == want + 1, r.headers)

    # A runner whose name needs escaping in both formats.
    name = 'O\'Brien "The \\ Kid", Señor'
    st.psql("UPDATE ra_runners SET horse_name = %s WHERE race_id = 'rac_11000101' AND number = 1"
            % ("'" + name.replace("'", "''") + "'"))
    r = api.get("/api/export/results?from=2025-10-13&format=ndjson")
    lines = r.body.decode().splitlines() if r.status == 200 else []
    objs = [json.loads(line) for line in lines]
    odd = [o["horse_name"] for o in objs if o["race_id"] == "rac_11000101" and o["number"] == 1]
    t.check("export: results as NDJSON, one object a line, escapes intact (%r)" % name,
            r.headers.get("content-type") == "application/x-ndjson; charset=utf-8" and odd == [name]
            and len(objs) == PAST_RACES_PER_DAY * RUNNERS and all("error" not in o for o in objs), (odd, len(objs)))
    r = api.get("/api/export/results?from=2025-10-13", headers={"Accept": "application/x-ndjson"})
    t.check("export: the Accept header picks NDJSON", r.status == 200
            and r.headers.get("content-type", "").startswith("application/x-ndjson"), r.headers)
    r = api.get("/api/export/results?from=2025-10-13&format=csv")
    rows = list(csv.DictReader(io.StringIO(r.body.decode()))) if r.status == 200 else []
    t.check("export: the same name read back from the CSV", [x["horse_name"] for x in rows
            if x["race_id"] == "rac_11000101" and x["number"] == "1"] == [name], rows[:1])

    race = race_id_today(3)
    want = int(sql_rows(st, "SELECT count(*) FROM ra_odds_history WHERE race_id = '%s'" % race)[0][0])
    r = api.get("/api/export/price-history?from=%s&race_id=%s" % (TODAY, race))
    rows = list(csv.reader(io.StringIO(r.body.decode()))) if r.status == 200 else []
    t.check("export: one race's price history (%d changes)" % want, r.status == 200 and want > 0
            and len(rows) == want + 1 and rows[0] == ["race_id", "horse_id", "bookmaker_id", "observed_at",
                                                       "fractional", "decimal", "previous_decimal"], len(rows))
    r, d = api.json("/api/export/price-history?from=%s" % TODAY)
    t.check("export: over DH_EXPORT_MAX_ROWS rows is a 422 naming the cap, before any row",
            r.status == 422 and str(EXPORT_MAX_ROWS) in d["detail"] and "DH_EXPORT_MAX_ROWS" in d["detail"], r)
    for q, bad in (("", ["from"]), ("?from=2025-10-14&to=2025-10-01", ["from"]),
                   ("?from=2024-01-01&to=2025-06-01", ["from"]), ("?from=2025-10-14&format=xml", ["format"]),
                   ("?from=20251014", ["from"])):
        r, d = api.json("/api/export/results" + q)
        t.check("export: %s is a 422 naming %s" % (q or "no range", bad), r.status == 422 and detail_names(d) == bad, r)
    r, d = api.json("/api/export/price-history?from=%s&race_id=%s" % (TODAY, urllib.parse.quote("x' OR '1")))
    t.check("export: a bad race_id is a 422", r.status == 422 and detail_names(d) == ["race_id"], r)


def check_odds_summary(t, api, st):
    race = "rac_11000101"
    sp = sql_rows(st, "SELECT horse_id, sp_dec FROM ra_runners WHERE race_id = '%s' AND number = 1" % race)[0]
    rc, _, err = st.psql(
        "INSERT INTO ra_odds_closing (race_id, horse_id, bookmaker_id, race_date, off_dt, opening_decimal, opening_at,"
        " closing_decimal, closing_fractional, closing_at) SELECT race_id, horse_id, b, race_date, off_dt, o, off_dt - "
        "early, c, 'x', off_dt - interval '1 minute' FROM ra_runners JOIN ra_races USING (race_id, race_date),"
        " (VALUES ('coral', 2 * %(sp)s, %(sp)s, interval '49 hours'), ('bet365', %(sp)s, 3 * %(sp)s, interval '1 hour'))"
        " v (b, o, c, early)"
        " WHERE race_id = '%(race)s' AND number = 1" % {"sp": sp[1], "race": race})
    r, d = api.json("/api/races/%s/odds/summary" % race)
    one = next((u for u in d["runners"] if u["horse_id"] == sp[0]), {}) if r.status == 200 else {}
    prices = {p["bookmaker_id"]: (p["clv_opening_percent"], p["clv_closing_percent"]) for p in one.get("prices", [])}
    # coral opened at twice the SP (+100%) and closed at it (0%); bet365 opened at SP and closed at three times it.
    t.check("odds/summary: opening and closing price per bookmaker, closing-line value against SP",
            rc == 0 and prices == {"coral": (100.0, 0.0), "bet365": (0.0, 200.0)}
            and one["sp_dec"] == float(sp[1]) and one["clv_best_opening_percent"] == 100.0
            and one["clv_best_closing_percent"] == 200.0 and one["position"], (err, one))
    r, d = api.json("/api/races/%s/odds/summary" % race_id_today(3))
    t.check("odds/summary: an open race's current prices as its closing line so far, no SP yet",
            r.status == 200 and len(d["runners"]) == RUNNERS and all(len(u["prices"]) == BOOKMAKERS
                                                                     and u["sp_dec"] is None for u in d["runners"]), r)
    r, d = api.json("/api/races/rac_00000000/odds/summary")
    t.check("odds/summary: an unknown race is a 404", r.status == 404, r)

    # Early prices against SP, rolled by dh_refresh_market: coral's opening (first seen 2 days out)
    # beat the SP by 100% and its closing matched it; bet365's opening (the day) matched it and its
    # closing beat it by 200%. The runner's best opening is coral's, its best closing bet365's.
    rolled = sql_rows(st, "SELECT dh_refresh_market('2025-10-14')")
    r, d = api.json("/api/analysis/early-price?from=2025-10-13&to=2025-10-13")
    fig = lambda x: (x["runners"], x["opening_beat_sp_percent"], x["closing_beat_sp_percent"],
                     x["opening_clv_avg_percent"], x["closing_clv_avg_percent"])
    ok = r.status == 200
    t.check("analysis/early-price: by bookmaker, worked by hand", ok and rolled == [["1"]]
            and {k["bookmaker_id"]: fig(k) for k in d["by_bookmaker"]}
            == {"coral": (1, 100.0, 0.0, 100.0, 0.0), "bet365": (1, 0.0, 100.0, 0.0, 200.0)}
            and d["by_bookmaker"][0]["bookmaker_id"] == "coral", (rolled, d))
    t.check("analysis/early-price: by days before the off, and the best opening price",
            ok and [(x["days_before"],) + fig(x) for x in d["by_days_before"]]
            == [(0, 1, 0.0, 100.0, 0.0, 200.0), (2, 1, 100.0, 0.0, 100.0, 0.0)]
            and fig(d["best"]) == (1, 100.0, 100.0, 100.0, 200.0) and d["days"] == 1, d)
    again = sql_rows(st, "SELECT dh_refresh_market('2025-10-14')")
    r, d = api.json("/api/analysis/early-price?from=2025-10-01&to=2025-09-01")
    t.check("analysis/early-price: nothing new, nothing rolled; from after to is a 422",
            again == [["0"]] and r.status == 422 and detail_names(d) == ["from"], (again, r))
    st.psql("DELETE FROM ra_odds_closing WHERE race_id = '%s'" % race)
    gone = sql_rows(st, "SELECT dh_refresh_market('2025-10-14')") + sql_rows(st, "SELECT count(*) FROM dh_market_daily")
    gone = [[gone[0][0], gone[1][0]]]
    t.check("analysis/early-price: a day whose closing lines went is rolled away", gone == [["1", "0"]], gone)


# --- Form ----------------------------------------------------------------------

# Three races worked by hand for jockey jky_form1 (J). A (6 runners, 2 places): J dead-heats for
# first at SP 5.0 with jky_form2's runner at 3.0. B (4 runners, win only): J second at 3.0.
# C (8 runners, 3 places): J third with no SP, and J's other mount a non-runner.
FORM_RACES = [("rac_form_a", "2025-10-10", "14:00", [("jky_form1", "1", 1, 5.0), ("jky_form2", "1", 1, 3.0)]
               + [("jky_other", str(p), p, 9.0) for p in range(3, 7)]),
              ("rac_form_b", "2025-10-12", "14:00", [("jky_form1", "2", 2, 3.0), ("jky_other", "1", 1, 2.0),
                                                     ("jky_other", "3", 3, 8.0), ("jky_other", "4", 4, 9.0)]),
              ("rac_form_c", "2025-10-12", "15:00", [("jky_form1", "3", 3, None), ("jky_form1", None, None, None)]
               + [("jky_other", str(p), p, 6.0) for p in (1, 2, 4, 5, 6, 7, 8)])]


def form_sql(races):
    out = []
    for race, day, off, runs in races:
        out.append("INSERT INTO ra_results (race_id, race_date, off_dt, course_id, course) VALUES "
                   "('%s', '%s', '%sT%s:00Z', 'crs_form', 'Formtown');" % (race, day, day, off))
        for i, (jockey, pos, num, sp) in enumerate(runs):
            out.append("INSERT INTO ra_runners (race_id, horse_id, race_date, number, jockey_id, jockey_name, "
                       "trainer_id, non_runner, position, position_num, sp_dec) VALUES ('%s', 'hrs_%s_%d', '%s', %d, "
                       "'%s', 'Jockey %s', 'trn_form', %s, %s, %s, %s);"
                       % (race, race, i, day, i + 1, jockey, jockey, "true" if pos is None else "false",
                          "NULL" if pos is None else "'%s'" % pos, "NULL" if num is None else num,
                          "NULL" if sp is None else sp))
    return "\n".join(out)


# dh_form's entities whose figures differ from those summed again from every daily row
# (migration 0021's way), which dh_refresh_form keeps from the days rolled (0025).
FORM_STALE = """
SELECT count(*) FROM dh_form f FULL JOIN (
    SELECT kind, entity_id, (array_agg(name ORDER BY race_date DESC))[1] AS name,
           sum(runs) FILTER (WHERE race_date > date '%(today)s' - 14) AS runs_14,
           sum(wins) FILTER (WHERE race_date > date '%(today)s' - 14) AS wins_14,
           sum(places) FILTER (WHERE race_date > date '%(today)s' - 14) AS places_14,
           sum(profit) FILTER (WHERE race_date > date '%(today)s' - 14) AS profit_14,
           sum(runs) FILTER (WHERE race_date > date '%(today)s' - 30) AS runs_30,
           sum(wins) FILTER (WHERE race_date > date '%(today)s' - 30) AS wins_30,
           sum(places) FILTER (WHERE race_date > date '%(today)s' - 30) AS places_30,
           sum(profit) FILTER (WHERE race_date > date '%(today)s' - 30) AS profit_30,
           sum(runs) AS runs, sum(wins) AS wins, sum(places) AS places, sum(profit) AS profit,
           max(race_date) FILTER (WHERE wins > 0) AS last_win_date
      FROM dh_form_daily GROUP BY kind, entity_id) s USING (kind, entity_id)
 WHERE f.name IS DISTINCT FROM s.name
    OR (f.runs_14, f.wins_14, f.places_14, f.profit_14, f.runs_30, f.wins_30, f.places_30, f.profit_30)
       IS DISTINCT FROM (coalesce(s.runs_14, 0), coalesce(s.wins_14, 0), coalesce(s.places_14, 0),
                         coalesce(s.profit_14, 0), coalesce(s.runs_30, 0), coalesce(s.wins_30, 0),
                         coalesce(s.places_30, 0), coalesce(s.profit_30, 0))
    OR (f.runs, f.wins, f.places, f.profit, f.last_win_date)
       IS DISTINCT FROM (s.runs, s.wins, s.places, s.profit, s.last_win_date)
    OR f.runs_since_win <> (SELECT coalesce(sum(d.runs) FILTER (WHERE s.last_win_date IS NULL
                                                                  OR d.race_date > s.last_win_date), 0)
                                   + coalesce(sum(d.runs_after_last_win) FILTER (WHERE d.race_date = s.last_win_date), 0)
                              FROM dh_form_daily d WHERE d.kind = f.kind AND d.entity_id = f.entity_id)
"""


def check_form(t, api, st):
    rc, _, err = st.psql(form_sql(FORM_RACES) + "INSERT INTO ra_jockeys (jockey_id, name) VALUES "
                         "('jky_form1', 'Jockey jky_form1'), ('jky_form2', 'Jockey jky_form2');")
    rolled = sql_rows(st, "SELECT dh_refresh_form('2025-10-14', 400)")
    t.check("form: every result day rolled up (%s)" % rolled, rc == 0 and int(rolled[0][0]) >= PAST_DAYS - 3, err)
    r, d = api.json("/api/masters/jockeys/jky_form1")
    form = d.get("form") or {} if r.status == 200 else {}
    # 3 runs (the non-runner left out), 1 win, 2 places (A's 1st of 2, C's 3rd of 3; B pays the win only);
    # profit: the dead heat returns 5.0 / 2 on the unit (+1.5), B -1, C no SP 0: +0.5.
    t.check("form: a jockey's figures worked by hand (dead heat, win-only field, no SP, non-runner)",
            form.get("last_14_days") == {"runs": 3, "wins": 1, "places": 2, "win_percent": 33.3,
                                         "place_percent": 66.7, "profit": 0.5}
            and form.get("last_win_date") == "2025-10-10" and form.get("runs_since_win") == 2
            and form.get("all", {}).get("runs") == 3 and form.get("as_of") == TODAY, form)
    r, d = api.json("/api/masters/jockeys/jky_form2")
    t.check("form: the dead-heat partner's half stake at 3.0: +0.5",
            r.status == 200 and d["form"]["last_30_days"]["profit"] == 0.5 and d["form"]["runs_since_win"] == 0, d)
    again = sql_rows(st, "SELECT dh_refresh_form('2025-10-14', 400)")
    t.check("form: nothing new, nothing rolled", again == [["0"]], again)
    rc, _, err = st.psql(form_sql([("rac_form_d", "2025-10-13", "16:00", [("jky_form1", "1", 1, 2.0),
                                                                         ("jky_other", "2", 2, 3.0)])]))
    rolled = sql_rows(st, "SELECT dh_refresh_form('2025-10-14', 400)")
    r, d = api.json("/api/masters/jockeys/jky_form1")
    t.check("form: a late result rolls its day again, the figures follow (a win at 2.0: +1)",
            rc == 0 and rolled == [["1"]] and d["form"]["last_14_days"]["runs"] == 4
            and d["form"]["last_14_days"]["profit"] == 1.5 and d["form"]["runs_since_win"] == 0
            and d["form"]["last_win_date"] == "2025-10-13", (err, rolled, d.get("form")))
    stale = sql_rows(st, FORM_STALE % {"today": TODAY})
    t.check("form: every entity's figures, kept from the days rolled, equal a sum of all its daily rows",
            stale == [["0"]], stale)
    r, d = api.json("/api/form/leaderboard?kind=jockey&window=14&sort=profit&min_runs=3&limit=100")
    rows = d["data"] if r.status == 200 else []
    mine = [x for x in rows if x["id"] == "jky_form1"]
    t.check("form: the leaderboard ranks by profit, min_runs applied, as_of the day",
            mine and mine[0]["profit"] == 1.5 and mine[0]["name"] == "Jockey jky_form1"
            and [x["profit"] for x in rows] == sorted((x["profit"] for x in rows), reverse=True)
            and all(x["runs"] >= 3 for x in rows) and d["as_of"] == TODAY, rows[:3])
    r, d = api.json("/api/form/leaderboard?kind=course&window=all&sort=win_percent")
    t.check("form: courses too", r.status == 200 and d["data"] and d["kind"] == "course", r)
    for q in ("kind=owner", "window=7", "sort=losses", "min_runs=0", "limit=101"):
        r, d = api.json("/api/form/leaderboard?" + q)
        t.check("form: %s is a 422" % q, r.status == 422 and detail_names(d) == [q.split("=")[0]], r)


# A three-runner race worked by hand: three bookmakers, the median of each runner's prices its
# consensus, the consensus book normalised to 100% its fair prices (shared/market.h).
MARKET_RACE = "rac_11899001"
MARKET_PRICES = {"bet365": (2.0, 3.0, 5.0), "coral": (2.2, 2.8, 6.0), "betfairexchange": (2.1, 3.2, 5.5)}


def check_race_market(t, api, st):
    rows = ", ".join("('%s', 'hrs_189900%d', '%s', date '2025-10-14', timestamptz '2025-10-14T15:00:00Z', "
                     "'crs_1', 'Ascot', 'GB', 'Hand Worked Stakes', 'Horse %d', %d, '%s', '%s', %s)"
                     % (MARKET_RACE, i + 1, book, i + 1, i + 1, book, str(p[i]), p[i])
                     for book, p in MARKET_PRICES.items() for i in range(3))
    rc, _, err = st.psql("INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, off_dt, course_id, "
                         "course, region_code, race_name, horse_name, number, bookmaker_name, fractional, decimal) "
                         "VALUES " + rows)
    t.check("market: the hand-worked race loaded", rc == 0, err)
    try:
        r, d = api.json("/api/races/%s/odds" % MARKET_RACE)
        if not t.check("market: races/{id}/odds answers 200", r.status == 200, r):
            return
        race = d["race"]
        books = {b["bookmaker_id"]: (b["book_percent"], b["runners_priced"]) for b in race["bookmakers"]}
        # bet365 1/2 + 1/3 + 1/5 = 103.33%; coral 97.84%; the exchange 97.05%.
        t.check("market: each bookmaker's book percentage over the runners it prices",
                books == {"bet365": (103.33, 3), "coral": (97.84, 3), "betfairexchange": (97.05, 3)}, books)
        # Best prices 2.2, 3.2, 6.0: 93.37% (under 100: backing all three wins); medians 2.1, 3.0, 5.5: 99.13%.
        t.check("market: the best-price and consensus books",
                race["market"] == {"best_book_percent": 93.37, "consensus_book_percent": 99.13, "runners_priced": 3},
                race["market"])
        fair = [(u["number"], u["consensus_decimal"], u["fair_probability"], u["fair_decimal"],
                 u["implied_probability"]) for u in race["runners"]]
        t.check("market: each runner's consensus (median), fair probability and price, implied at its best",
                fair == [(1, 2.1, 0.4803, 2.082, 0.4545), (2, 3.0, 0.3362, 2.974, 0.3125),
                         (3, 5.5, 0.1834, 5.452, 0.1667)], fair)
        r, d = api.json("/api/races/%s/odds?format=american" % MARKET_RACE)
        one = d["race"]["runners"][0] if r.status == 200 else {}
        t.check("market: format=american adds American odds to each price and the best price",
                r.status == 200 and one["prices"]["bet365"]["american"] == "+100"
                and one["prices"]["coral"]["american"] == "+120" and one["best_price"]["american"] == "+120", one)
        r, d = api.json("/api/races/%s/odds?format=probability" % MARKET_RACE)
        one = d["race"]["runners"][2] if r.status == 200 else {}
        t.check("market: format=probability adds each price's implied probability",
                r.status == 200 and one["prices"]["bet365"]["implied_probability"] == 0.2
                and "american" not in one["prices"]["bet365"], one)
        r, d = api.json("/api/races/%s/odds?format=moneyline" % MARKET_RACE)
        t.check("market: an unknown format is a 422 naming it", r.status == 422 and detail_names(d) == ["format"], r)
        r, d = api.json("/api/live-odds/races-by-stage?race_date=2025-10-14&format=american")
        races = [x for s in d.get("stages", {}).values() for x in s if x["race_id"] == MARKET_RACE]
        ok = r.status == 200 and len(races) == 1
        t.check("market: races-by-stage carries the market and each runner's fair price",
                ok and races[0]["market"]["best_book_percent"] == 93.37
                and [u["fair_decimal"] for u in races[0]["runners_data"]] == [2.082, 2.974, 5.452]
                and races[0]["runners_data"][0]["prices"][0]["american"] is not None, races[:1])
        check_movers(t, api, st)
    finally:
        st.psql("DELETE FROM ra_odds_live WHERE race_id = '%s'; DELETE FROM ra_odds_history WHERE race_id = '%s'"
                % (MARKET_RACE, MARKET_RACE))


# The hand-worked race's prices 30 minutes before NOW; each changed to today's 10 minutes before.
MARKET_THEN = {"bet365": (2.5, 3.0, 4.0), "coral": (2.2, 3.5, 6.0), "betfairexchange": (2.4, 3.2, 5.0)}


def check_movers(t, api, st):
    rows = ", ".join("('%s', 'hrs_189900%d', '%s', timestamptz '2025-10-14T11:30:00Z', '%s', %s)"
                     % (MARKET_RACE, i + 1, book, str(p[i]), p[i]) for book, p in MARKET_THEN.items() for i in range(3))
    rc, _, err = st.psql("UPDATE ra_odds_live SET price_changed_at = timestamptz '2025-10-14T11:50:00Z', "
                         "opening_decimal = decimal * 2 WHERE race_id = '%s'; INSERT INTO ra_odds_history "
                         "(race_id, horse_id, bookmaker_id, observed_at, fractional, decimal) VALUES %s"
                         % (MARKET_RACE, rows))
    t.check("movers: the race's earlier prices recorded", rc == 0, err)

    def movers(q):
        r, d = api.json("/api/movers?race_id=%s&%s" % (MARKET_RACE, q))
        if r.status != 200:
            return r.status, None, None
        return (r.status, [(m["number"], m["best_from"], m["best_to"], m["best_change_percent"]) for m in d["steamers"]],
                [(m["number"], m["consensus_from"], m["consensus_to"], m["change"]) for m in d["drifters"]])

    # Runner 1's best 2.5 (bet365) -> 2.2 (coral): -12%; runner 2's 3.5 -> 3.2: -8.57%; runner 3's 6.0 holds.
    got = movers("window=15m")
    t.check("movers: steamers by the best price's change over 15 minutes, worked by hand",
            got == (200, [(1, 2.5, 2.2, -12.0), (2, 3.5, 3.2, -8.57)], []), got)
    # Consensus (the median): runner 1 2.4 -> 2.1 (-12.5%), runner 2 3.2 -> 3.0 (-6.25%), runner 3 5.0 -> 5.5 (+10%).
    r, d = api.json("/api/movers?race_id=%s&window=15m&sort=consensus" % MARKET_RACE)
    got = ([(m["number"], m["change"]) for m in d["steamers"]], [(m["number"], m["consensus_from"], m["change"])
                                                               for m in d["drifters"]]) if r.status == 200 else r
    t.check("movers: sort=consensus ranks by the median's change, a drifter among them",
            got == ([(1, -12.5), (2, -6.25)], [(3, 5.0, 10.0)]), got)
    one = d["steamers"][0] if r.status == 200 and d["steamers"] else {}
    t.check("movers: each mover says how many bookmakers moved, the race and when it runs",
            one.get("bookmakers_moved") == 2 and one.get("bookmakers") == 3 and one.get("course") == "Ascot"
            and d["since"] == "2025-10-14T11:45:00+00:00" and d["window"] == "15m", one)
    got = movers("window=5m")
    t.check("movers: nothing moved in the last 5 minutes", got == (200, [], []), got)
    got = movers("window=open")
    t.check("movers: since first seen (opening prices, twice today's): every runner shortened by half",
            got[0] == 200 and [m[3] for m in got[1]] == [-50.0, -50.0, -50.0], got)
    r, d = api.json("/api/movers?window=60m&limit=5")
    t.check("movers: the whole day's steamers (the fixture's prices all shortened), 5 of them",
            r.status == 200 and len(d["steamers"]) == 5 and d["drifters"] == []
            and all(m["best_change_percent"] < 0 for m in d["steamers"])
            and [m["change"] for m in d["steamers"]] == sorted(m["change"] for m in d["steamers"]), r)
    regions = {x: api.json("/api/movers?window=60m&limit=100&region=" + x)[1] for x in ("gb", "IRE")}
    t.check("movers: region keeps that region's races only (any case)",
            regions["gb"]["steamers"] and all(m["region_code"] == "GB" for m in regions["gb"]["steamers"])
            and all(m["region_code"] == "IRE" for m in regions["IRE"]["steamers"]), regions)
    for q in ("window=10m", "sort=worst", "limit=0", "limit=101", "region=fr"):
        r, d = api.json("/api/movers?" + q)
        t.check("movers: %s is a 422" % q, r.status == 422 and detail_names(d) == [q.split("=")[0]], r)


def run(t):
    st = harness.Stack("api", DH_NOW=NOW, DH_API_RATE_LIMIT=1000000, DH_WORKERS="none",
                       DH_EXPORT_MAX_ROWS=EXPORT_MAX_ROWS, DH_API_CACHE="off")  # fixtures only
    failed_before = t.failed
    try:
        st.start()
        t0 = time.monotonic()
        rc, _, err = st.psql(fixture_sql())
        if not t.check("fixture: a full racing day loaded (%.1f s)" % (time.monotonic() - t0), rc == 0, err):
            return
        api = Api(st)
        t.area(check_live_odds, t, api)
        t.area(check_races_by_stage, t, api, st)
        t.area(check_upcoming_and_next, t, api)
        t.area(check_historical, t, api)
        t.area(check_status, t, api, st)
        t.area(check_masters, t, api)
        t.area(check_race_odds, t, api, st)
        t.area(check_race_market, t, api, st)
        t.area(check_export, t, api, st)
        t.area(check_odds_summary, t, api, st)
        t.area(check_form, t, api, st)
        t.area(check_admin, t, api, st)
        t.area(check_public_view, t, api, st)
        t.area(check_openapi, t, api)
        t.area(check_headers, t, api, st)
        t.area(check_metrics, t, api, st)
        t.area(check_bad_input, t, api, st)
        t.area(check_statistics_empty, t, api, st)
        t.area(api_pages.check_keyset, t, api)
        t.area(api_pages.check_deep_pages, t, api, st)      # adds 600,000 rows
        t.area(check_plans, t, api, st)                     # on those: a seq scan would cost there
        st.stop()
        st.env["DH_API_CACHE"] = "on"
        st.start()
        t.area(check_cache_hits, t, st)
        t.area(check_cache_key, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
