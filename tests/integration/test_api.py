"""The read API end to end: every endpoint of DESIGN.md's "HTTP API" through
nginx against a full racing day loaded by SQL, with the clock frozen at NOW.

The fixture (fixture_sql) is also what bench/run loads.
"""

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

-- Race 3 (off in 5 minutes): two bookmakers share the best price of runner 1.
UPDATE ra_odds_live SET decimal = 9.5, fractional = '17/2'
WHERE race_id = 'rac_11800003' AND number = 1 AND bookmaker_id IN ('bet365', 'coral');

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

INSERT INTO dh_stats_snapshots (kind, taken_at, body) VALUES
  ('live', timestamptz '%(now)s' - interval '20 minutes', '{"total_records": 1, "marker": "old"}'),
  ('live', timestamptz '%(now)s' - interval '5 minutes', '{"total_records": 21600, "marker": "new"}'),
  ('historical', timestamptz '%(now)s' - interval '1 hour', '{"total_records": 20880, "marker": "hist"}');

UPDATE dh_worker_status SET state = 'sleeping', last_run_at = timestamptz '%(now)s' - interval '30 seconds',
       last_success_at = timestamptz '%(now)s' - interval '30 seconds',
       next_run_at = timestamptz '%(now)s' + interval '30 seconds', interval_s = 60,
       interval_reason = 'nearest race off in 4 min', cycles = 100, rows_written = 5000
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


def run(t):
    pass
