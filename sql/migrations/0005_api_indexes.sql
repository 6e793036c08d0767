-- 0005_api_indexes.sql: indexes for the read API's hot queries, and what its admin endpoint
-- needs to see.
--
-- ra_odds_live_board_idx: the live board (/api/live-odds/races-by-stage, /api/live-odds and
-- /upcoming-races) reads a racing day's prices in this order: race by off time, runner by
-- saddle-cloth number, bookmaker. With the index PostgreSQL returns them in order without
-- sorting (about 18,000 rows a day; a sort of text keys under the database's collation costs
-- tens of milliseconds). Prices change in place (HOT updates: no indexed column changes), so
-- the index costs the live worker only on inserts.
CREATE INDEX IF NOT EXISTS ra_odds_live_board_idx
    ON ra_odds_live (race_date, off_dt, race_id, number, horse_id, bookmaker_id);

-- /api/live-odds?course=NAME (case-insensitive, the original's filter by course name).
CREATE INDEX IF NOT EXISTS ra_odds_live_lower_course_idx
    ON ra_odds_live (lower(course), race_date, off_dt);

-- Name lists and name-prefix search (/api/masters/{courses,jockeys,trainers,owners,horses}):
-- ordered by lower(name) in byte order, and a prefix p matched as the range
-- [lower(p), lower(p) || U+10FFFF). The range works in a generic plan of a prepared statement
-- (a LIKE pattern from a parameter does not), and the same index gives the order, so a page
-- is read straight off the index.
CREATE INDEX IF NOT EXISTS ra_courses_name_c_idx ON ra_courses ((lower(name) COLLATE "C"), course_id);
CREATE INDEX IF NOT EXISTS ra_jockeys_name_c_idx ON ra_jockeys ((lower(name) COLLATE "C"), jockey_id);
CREATE INDEX IF NOT EXISTS ra_trainers_name_c_idx ON ra_trainers ((lower(name) COLLATE "C"), trainer_id);
CREATE INDEX IF NOT EXISTS ra_owners_name_c_idx ON ra_owners ((lower(name) COLLATE "C"), owner_id);
CREATE INDEX IF NOT EXISTS ra_horses_name_c_idx ON ra_horses ((lower(name) COLLATE "C"), horse_id);

-- /api/db-health/stats lists long-running queries of every role, which pg_stat_activity only
-- shows to members of pg_read_all_stats. Granting it needs a superuser or a role with admin
-- rights on it; a migration run by a lesser owner skips it (the endpoint then shows only
-- dh_reader's own queries' text).
DO $$
BEGIN
    GRANT pg_read_all_stats TO dh_reader;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'could not grant pg_read_all_stats to dh_reader: %', SQLERRM;
END
$$;

SELECT dh_apply_grants();
