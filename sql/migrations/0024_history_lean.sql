-- 0024_history_lean.sql: ra_odds_history in about half the bytes a row, and a day's first live cycle
-- within 300 ms of database time at the end of a full month (issue 15, item 4).
--
-- Measured before, on a month of history (13 M rows in ra_odds_history_2025_10): 191 bytes a
-- row, of which 107 heap and 84 the primary key on (race_id, horse_id, bookmaker_id,
-- observed_at); a day's first cycle (14,458 prices, every one new) spent 440 ms in its one
-- statement: 185 ms inserting into ra_odds_live under five indexes, 130 ms into the history.
--
-- ra_odds_history keeps its name, its text ids and its month partitions (users' SQL keeps
-- working); what changes:
--
-- - The primary key gives way to a plain index on (race_id, horse_id, bookmaker_id), which
--   B-tree deduplication stores once per series with a list of its rows: 9 bytes a row, not 84,
--   and an insert no longer probes for a conflict (130 -> 60 ms for the day's first prices).
--   Readers take a series' rows from it and order them by observed_at, a few dozen at most.
--   Nothing relied on the key to refuse duplicates: dh-live appends a row only for a price that
--   differs from ra_odds_live's, in the transaction that writes ra_odds_live, so a cycle run
--   again after a crash finds its prices already there and appends nothing.
-- - created_at goes: it was the instant of the cycle that wrote the row, observed_at's own or
--   within a cycle of it, and no binary ever named it (older binaries put back still work).
--   previous_decimal stays, as older binaries write and read it, and users' SQL may, though
--   it is the series' row before (lag(decimal) OVER (PARTITION BY race_id,
--   horse_id, bookmaker_id ORDER BY observed_at)): dropping it would save 7 more bytes a row.
-- - New months are made with observed_at first (dh_ensure_odds_history_partitions below), so
--   the 8-byte instant needs no padding after the texts: about 92 bytes a row on the heap,
--   line pointer included, not 107.
--   ATTACH accepts a partition whose columns are in another physical order; a row inserted
--   through the parent is mapped to it.
--
-- Months made before (0003 makes them from 2023 to three months ahead) are made again in the
-- new order while they hold no row (the end of this file). Months already written keep their
-- heap as it is (created_at costs its bytes until the month is dropped past the retention,
-- DH_ODDS_HISTORY_RETENTION_MONTHS) and get the new index: building it reads each month once
-- (22 s for a month of 13 M rows on a 2-core VM, about 5 minutes for a year), under a lock
-- that holds dh-live's writes off meanwhile.
--
-- ra_odds_live loses three indexes, each an insertion for every new price (a day's first
-- cycle: 14,458 new prices into the table and its five indexes took 185 ms, 117 ms with three
-- in a bare INSERT, heap 50 ms, the key 25, the board's index 35, off_dt's 10):
-- - ra_odds_live_bookmaker_id_idx and ra_odds_live_lower_course_idx, which no query could
--   use: the live list's filters match a substring of the course or the bookmaker (strpos),
--   or one of three spellings of a bookmaker id (an OR);
-- - ra_odds_live_off_dt_idx, read only by dh-live's prune of races past their off, once a
--   cycle: the table holds a day or two of prices (20,000 to 40,000 rows), whose scan costs
--   less than the index costs the day's first cycle.

SET LOCAL maintenance_work_mem = '256MB';

LOCK TABLE ra_odds_history IN ACCESS EXCLUSIVE MODE;

ALTER TABLE ra_odds_history DROP CONSTRAINT IF EXISTS ra_odds_history_pkey;
CREATE INDEX IF NOT EXISTS ra_odds_history_key_idx ON ra_odds_history (race_id, horse_id, bookmaker_id);
ALTER TABLE ra_odds_history DROP COLUMN IF EXISTS created_at;
COMMENT ON TABLE ra_odds_history IS 'One row per observed price change (sparklines), a series per race, horse and bookmaker (ra_odds_history_key_idx); partitioned by UTC month of observed_at';

DROP INDEX IF EXISTS ra_odds_live_bookmaker_id_idx;
DROP INDEX IF EXISTS ra_odds_live_lower_course_idx;
DROP INDEX IF EXISTS ra_odds_live_off_dt_idx;

-- As 0003's, but a new month's table is made with observed_at first (see above), with the
-- parent's CHECK under its name (ATTACH matches constraints by name).
CREATE OR REPLACE FUNCTION dh_ensure_odds_history_partitions(p_from date, p_months integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_created integer := 0;
    v_start   date;
    v_lo      date;
    v_hi      date;
    v_name    text;
    v_rel     regclass;
BEGIN
    IF p_from IS NULL OR p_months IS NULL THEN
        RAISE EXCEPTION 'dh_ensure_odds_history_partitions: arguments must not be null';
    END IF;
    IF p_months < 0 OR p_months > 1200 THEN
        RAISE EXCEPTION 'dh_ensure_odds_history_partitions: p_months out of range: %', p_months;
    END IF;

    PERFORM pg_advisory_xact_lock(hashtext('public.ra_odds_history partitions'));

    v_start := date_trunc('month', p_from)::date;
    FOR i IN 0 .. p_months - 1 LOOP
        v_lo   := (v_start + make_interval(months => i))::date;
        v_hi   := (v_lo + interval '1 month')::date;
        v_name := 'ra_odds_history_' || to_char(v_lo, 'YYYY_MM');
        v_rel  := to_regclass('public.' || quote_ident(v_name));

        IF v_rel IS NOT NULL THEN
            IF NOT EXISTS (SELECT 1 FROM pg_inherits
                           WHERE inhrelid = v_rel
                             AND inhparent = 'public.ra_odds_history'::regclass) THEN
                RAISE EXCEPTION 'table % exists but is not a partition of ra_odds_history', v_name;
            END IF;
            CONTINUE;
        END IF;

        -- Build the partition standalone, move any rows of its month out of the default
        -- partition into it, then attach (attaching checks the default holds none left).
        EXECUTE format('CREATE TABLE public.%I (
                            observed_at  timestamptz NOT NULL,
                            race_id      text NOT NULL,
                            horse_id     text NOT NULL,
                            bookmaker_id text NOT NULL,
                            fractional   text NOT NULL,
                            decimal      numeric(10,3) NOT NULL,
                            previous_decimal numeric(10,3),
                            CONSTRAINT ra_odds_history_decimal_check CHECK (decimal > 1),
                            CONSTRAINT ra_odds_history_previous_decimal_check
                                CHECK (previous_decimal > 1))',
                       v_name);
        EXECUTE format('WITH moved AS (DELETE FROM public.ra_odds_history_default
                                       WHERE observed_at >= %L::timestamptz
                                         AND observed_at < %L::timestamptz
                                       RETURNING race_id, horse_id, bookmaker_id, observed_at,
                                                 fractional, decimal, previous_decimal)
                        INSERT INTO public.%I (race_id, horse_id, bookmaker_id, observed_at,
                                               fractional, decimal, previous_decimal)
                        SELECT * FROM moved',
                       v_lo::text || ' 00:00:00+00', v_hi::text || ' 00:00:00+00', v_name);
        EXECUTE format('ALTER TABLE public.ra_odds_history ATTACH PARTITION public.%I
                        FOR VALUES FROM (%L) TO (%L)',
                       v_name, v_lo::text || ' 00:00:00+00', v_hi::text || ' 00:00:00+00');
        EXECUTE format('COMMENT ON TABLE public.%I IS %L', v_name,
                       'ra_odds_history partition for ' || to_char(v_lo, 'YYYY-MM') || ' (UTC)');
        EXECUTE format('GRANT SELECT ON public.%I TO dh_reader', v_name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON public.%I TO dh_writer', v_name);
        v_created := v_created + 1;
    END LOOP;
    RETURN v_created;
END
$$;

-- The months made before this migration that hold no row yet (0003 made them from 2023 to three
-- months ahead) are made again in the new order, so that every month still to be written
-- gets it; a month with rows keeps its layout.
DO $$
DECLARE
    v_part record;
    v_used boolean;
BEGIN
    FOR v_part IN
        SELECT c.oid::regclass AS rel, c.relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'public.ra_odds_history'::regclass
           AND c.relname ~ '^ra_odds_history_[0-9]{4}_[0-9]{2}$'
           AND (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = 1) <> 'observed_at'
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', v_part.rel) INTO v_used;
        IF NOT v_used THEN
            EXECUTE format('DROP TABLE %s', v_part.rel);
            PERFORM dh_ensure_odds_history_partitions(to_date(substr(v_part.relname, 17), 'YYYY_MM'), 1);
        END IF;
    END LOOP;
END
$$;
