-- 0012_statistics_rollups.sql: what dh-statistics reads, kept up to date by the
-- writes themselves, so its cycle costs the same at three years as at one day
-- (issue 15, item 3).
--
-- Before, every cycle counted ra_odds_history's last 24 hours with a STABLE
-- cutoff (pruned only at execution: the planner costed every monthly
-- partition and switched JIT on, then read the month without an index on
-- observed_at: 1.6 s with a year of data, 61 ms with a day), and scanned the
-- whole of ra_odds_historical with eight DISTINCT counts.
--
-- - dh_odds_history_hourly: rows of ra_odds_history per UTC hour of
--   observed_at, kept by statement triggers on ra_odds_history (every
--   writer, dh-live's COPY-fed insert as the fixtures' INSERTs, adds its rows
--   in the same transaction); dh-statistics sums the whole hours of its
--   window and counts the part of the window's first hour row by row, on
--   ra_odds_history_observed_brin (a BRIN index: a few pages per month,
--   nothing per insert but the summary of a new page range).  dh-statistics
--   deletes hours older than a week (its window is a day), so the hours of
--   partitions dropped past the retention go too.
-- - dh_historical_counts: for ra_odds_historical, how many rows carry each
--   value of each column dh-statistics counts or distinguishes (kind, value,
--   n): the total, the distinct race dates, races, horses, names, courses,
--   jockeys, trainers, countries, each column's NULLs, the sum of
--   bookmaker_count; kept by statement triggers (insert, update, delete,
--   truncate).  A distinct count is a count of index entries of one kind,
--   bounded by how many horses or jockeys exist, not by how many days of
--   results are stored.
-- - indexes on ra_odds_historical's updated_at and created_at for the recent
--   activity windows (a few thousand rows a week).
--
-- Each table is filled from the existing rows when its triggers are first
-- made (under a lock that holds writers off until COMMIT), so a database
-- migrated with data counts what it holds: all of ra_odds_historical (a few
-- hundred thousand rows a year), and ra_odds_history's last eight days, read
-- on the new BRIN index (dh-statistics keeps a week of hours; counting a
-- year of history would hold dh-live off for minutes).  Safe to re-run: the
-- fill runs only while the trigger does not exist yet.

-- ra_odds_history per hour -----------------------------------------------------------------

CREATE INDEX IF NOT EXISTS ra_odds_history_observed_brin ON ra_odds_history
    USING brin (observed_at) WITH (pages_per_range = 32);

CREATE TABLE IF NOT EXISTS dh_odds_history_hourly (
    hour timestamptz PRIMARY KEY,                   -- UTC hour: [hour, hour + 1 h)
    rows       bigint NOT NULL CHECK (rows >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_odds_history_hourly IS 'Rows of ra_odds_history per UTC hour of observed_at, kept by triggers on ra_odds_history; dh-statistics reads its 24-hour count here and deletes hours older than a week';

-- p_sign 1 adds the rows of the statement's transition table, -1 takes them away.
CREATE OR REPLACE FUNCTION dh_odds_history_hourly_apply() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM public.dh_odds_history_hourly;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO public.dh_odds_history_hourly AS h (hour, rows)
        SELECT date_bin('1 hour', observed_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
          FROM dh_new_rows GROUP BY 1
        ON CONFLICT (hour) DO UPDATE SET rows = h.rows + excluded.rows;
    ELSE
        UPDATE public.dh_odds_history_hourly h SET rows = greatest(h.rows - d.n, 0)
          FROM (SELECT date_bin('1 hour', observed_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                       count(*) AS n
                  FROM dh_old_rows GROUP BY 1) d
         WHERE h.hour = d.hour;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION dh_odds_history_hourly_apply() IS 'Statement trigger of ra_odds_history: keeps dh_odds_history_hourly';

LOCK TABLE ra_odds_history IN SHARE ROW EXCLUSIVE MODE;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                    WHERE tgrelid = 'public.ra_odds_history'::regclass
                      AND tgname = 'ra_odds_history_hourly_ins') THEN
        DELETE FROM public.dh_odds_history_hourly;
        INSERT INTO public.dh_odds_history_hourly (hour, rows)
        SELECT date_bin('1 hour', observed_at, timestamptz '2000-01-01 00:00:00+00'), count(*)
          FROM public.ra_odds_history
         WHERE observed_at >= now() - interval '8 days'
         GROUP BY 1;
    END IF;
END
$$;
CREATE OR REPLACE TRIGGER ra_odds_history_hourly_ins AFTER INSERT ON ra_odds_history
    REFERENCING NEW TABLE AS dh_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();
CREATE OR REPLACE TRIGGER ra_odds_history_hourly_del AFTER DELETE ON ra_odds_history
    REFERENCING OLD TABLE AS dh_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();
CREATE OR REPLACE TRIGGER ra_odds_history_hourly_trunc AFTER TRUNCATE ON ra_odds_history
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();

-- ra_odds_historical's counts ----------------------------------------------------------------

CREATE INDEX IF NOT EXISTS ra_odds_historical_updated_idx ON ra_odds_historical (updated_at);
CREATE INDEX IF NOT EXISTS ra_odds_historical_created_idx ON ra_odds_historical (created_at);

CREATE TABLE IF NOT EXISTS dh_historical_counts (
    kind  text NOT NULL,                -- see dh_historical_contributions()
    value text NOT NULL,
    n          bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, value)
);
CREATE INDEX IF NOT EXISTS dh_historical_counts_zero_idx ON dh_historical_counts (kind) WHERE n = 0;
COMMENT ON TABLE dh_historical_counts IS 'How many ra_odds_historical rows carry each value of the columns dh-statistics counts, kept by triggers on ra_odds_historical';

-- What one row of ra_odds_historical adds to dh_historical_counts: (kind, value, weight).
-- Kinds: total (''); race_date, race_id, horse_id, horse_name, course, course_id, jockey,
-- trainer, country, track (upper(course)): one per non-NULL value; course_id.course
-- (course_id or '', a tab, course): the course names of each course id; null (a column's
-- name): the row's NULLs; sum (bookmaker_count): the column's sum.
CREATE OR REPLACE FUNCTION dh_historical_contributions(r ra_odds_historical)
RETURNS TABLE (kind text, value text, w bigint)
LANGUAGE sql IMMUTABLE
AS $$
    SELECT v.kind, v.value, v.w
      FROM (VALUES
        ('total', '', 1::bigint),
        ('race_date', r.race_date::text, 1), ('race_id', r.race_id, 1), ('horse_id', r.horse_id, 1),
        ('horse_name', r.horse_name, 1), ('course', r.course, 1), ('course_id', r.course_id, 1),
        ('jockey', r.jockey, 1), ('trainer', r.trainer, 1), ('country', r.country, 1),
        ('track', upper(r.course), 1),
        ('course_id.course', coalesce(r.course_id, '') || E'\t' || r.course, 1),
        ('null', CASE WHEN r.sp_dec IS NULL THEN 'sp_dec' END, 1),
        ('null', CASE WHEN r.position IS NULL THEN 'position' END, 1),
        ('null', CASE WHEN r.price_mean IS NULL THEN 'price_mean' END, 1),
        ('null', CASE WHEN r.price_min IS NULL THEN 'price_min' END, 1),
        ('null', CASE WHEN r.price_max IS NULL THEN 'price_max' END, 1),
        ('null', CASE WHEN r.race_time IS NULL THEN 'race_time' END, 1),
        ('null', CASE WHEN r.jockey IS NULL THEN 'jockey' END, 1),
        ('null', CASE WHEN r.trainer IS NULL THEN 'trainer' END, 1),
        ('null', CASE WHEN r.course IS NULL THEN 'course' END, 1),
        ('null', CASE WHEN r.course_id IS NULL THEN 'course_id' END, 1),
        ('null', CASE WHEN r.horse_name IS NULL THEN 'horse_name' END, 1),
        ('null', CASE WHEN r.country IS NULL THEN 'country' END, 1),
        ('sum', 'bookmaker_count', r.bookmaker_count::bigint)) AS v (kind, value, w)
     WHERE v.value IS NOT NULL
$$;
COMMENT ON FUNCTION dh_historical_contributions(ra_odds_historical) IS 'The (kind, value, weight) one ra_odds_historical row adds to dh_historical_counts';

-- An UPDATE adds the new rows' contributions and takes the old ones' away; values no row
-- carries any more (n = 0) are deleted, found through the partial index below.
CREATE OR REPLACE FUNCTION dh_historical_counts_apply() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM public.dh_historical_counts;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO public.dh_historical_counts AS h (kind, value, n)
        SELECT c.kind, c.value, sum(c.w)
          FROM dh_new_rows r, public.dh_historical_contributions(r) c GROUP BY 1, 2
        ON CONFLICT (kind, value) DO UPDATE SET n = h.n + excluded.n;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        INSERT INTO public.dh_historical_counts AS h (kind, value, n)
        SELECT c.kind, c.value, -sum(c.w)
          FROM dh_old_rows r, public.dh_historical_contributions(r) c GROUP BY 1, 2
        ON CONFLICT (kind, value) DO UPDATE SET n = h.n + excluded.n;
    END IF;
    DELETE FROM public.dh_historical_counts WHERE n = 0;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION dh_historical_counts_apply() IS 'Statement trigger of ra_odds_historical: keeps dh_historical_counts';

LOCK TABLE ra_odds_historical IN SHARE ROW EXCLUSIVE MODE;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                    WHERE tgrelid = 'public.ra_odds_historical'::regclass
                      AND tgname = 'ra_odds_historical_counts_ins') THEN
        DELETE FROM public.dh_historical_counts;
        INSERT INTO public.dh_historical_counts (kind, value, n)
        SELECT c.kind, c.value, sum(c.w)
          FROM public.ra_odds_historical r, public.dh_historical_contributions(r) c
         GROUP BY 1, 2;
    END IF;
END
$$;
CREATE OR REPLACE TRIGGER ra_odds_historical_counts_ins AFTER INSERT ON ra_odds_historical
    REFERENCING NEW TABLE AS dh_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_historical_counts_apply();
CREATE OR REPLACE TRIGGER ra_odds_historical_counts_upd AFTER UPDATE ON ra_odds_historical
    REFERENCING OLD TABLE AS dh_old_rows NEW TABLE AS dh_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_historical_counts_apply();
CREATE OR REPLACE TRIGGER ra_odds_historical_counts_del AFTER DELETE ON ra_odds_historical
    REFERENCING OLD TABLE AS dh_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_historical_counts_apply();
CREATE OR REPLACE TRIGGER ra_odds_historical_counts_trunc AFTER TRUNCATE ON ra_odds_historical
    FOR EACH STATEMENT EXECUTE FUNCTION dh_historical_counts_apply();

SELECT dh_apply_grants();
