-- 0023_history_compact.sql: ra_odds_history in half the bytes, written at the right edge of its
-- index (issue 15, item 4).
--
-- Before, a row was (race_id, horse_id, bookmaker_id text, observed_at, fractional text, decimal
-- and previous_decimal numeric, created_at) under a primary key on the three texts and the
-- instant: about 192 bytes a row with its indexes, and a new race's prices went into the
-- middle of a month-sized B-tree (text ids sort anywhere), so a day's first live cycle (every
-- price new) into a full month's partition cost about 2 s of database time.
--
-- Now the ids are small integers given at first sight by three key tables (dh_race_keys,
-- dh_horse_keys, dh_bookmaker_keys; the upstream text ids stay the API's and every other
-- table's): a race first priced today takes a key above every earlier race's, so its prices land
-- at the right edge of the partition's primary key, in pages already in memory. A row is
-- (observed_at, race_key int4, horse_key int4, decimal_milli int4, previous_milli int4,
-- bookmaker_key int2, frac_num int2, frac_den int2, fractional text), the fixed-width columns
-- widest first so no byte is padding: decimals as integer thousandths (numeric(10,3) exactly);
-- a fraction "n/d" as its two numbers, any other text (an exchange's "3.45", "evs") in
-- fractional, NULL otherwise. No created_at: the row is written in the cycle that observed it,
-- and 8 bytes a row is 8% of it (tests/sql/check-schema.sh names the exception).
--
-- ra_odds_history_text is the old shape as a view (text ids, numeric prices, fractional as
-- upstream wrote it): what the API's history readers and the tests read, and what anyone's SQL
-- written for the old table can read. Inserting into it or deleting from it (a row at a time,
-- through INSTEAD OF triggers) gives keys to new ids; bulk writers (dh-live, bench/yeardata.py)
-- write the table itself.
--
-- The upgrade converts a populated database in place, a month at a time in order (each month's
-- new partition built standalone in observed_at order, its index built by ATTACH, then the old
-- month dropped). It runs in the migration's one transaction, so the old months' files are freed
-- only at COMMIT: it needs free disk for the new table (about half the old one's size), and holds
-- dh-live off while it runs (1.8 M rows: 17 s on a busy 2-core machine; a year, 150 M rows: about
-- half an hour). created_at is not kept.

-- Key tables ---------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS dh_race_keys (
    race_key   serial PRIMARY KEY,
    race_id    text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_race_keys IS 'ra_odds_history''s integer key of each race id, given at first sight (so a new race sorts last)';

CREATE TABLE IF NOT EXISTS dh_horse_keys (
    horse_key  serial PRIMARY KEY,
    horse_id   text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_horse_keys IS 'ra_odds_history''s integer key of each horse id, given at first sight';

CREATE TABLE IF NOT EXISTS dh_bookmaker_keys (
    bookmaker_key smallserial PRIMARY KEY,
    bookmaker_id  text NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_bookmaker_keys IS 'ra_odds_history''s small integer key of each bookmaker id, given at first sight';

-- A fraction "n/d" (no leading zero, n and d below 10000) as its two numbers; NULL for any other
-- text, which is then kept whole. n || '/' || d gives the text back exactly.
CREATE OR REPLACE FUNCTION dh_frac_num(p text) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p ~ '^[1-9][0-9]{0,3}/[1-9][0-9]{0,3}$' THEN split_part(p, '/', 1)::smallint END $$;
CREATE OR REPLACE FUNCTION dh_frac_den(p text) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN p ~ '^[1-9][0-9]{0,3}/[1-9][0-9]{0,3}$' THEN split_part(p, '/', 2)::smallint END $$;
COMMENT ON FUNCTION dh_frac_num(text) IS 'Numerator of a fraction "n/d" as ra_odds_history keeps it; NULL when the text is kept whole';
COMMENT ON FUNCTION dh_frac_den(text) IS 'Denominator of a fraction "n/d" as ra_odds_history keeps it; NULL when the text is kept whole';

-- The old table out of the way --------------------------------------------------------------

-- Renamed with its partitions detached, renamed ra_odds_history_0003_<suffix> and stripped of
-- their indexes (their names are the new partitions'; the conversion reads them whole).
DO $$
DECLARE
    v_part record;
    v_idx  record;
BEGIN
    IF to_regclass('public.ra_odds_history') IS NULL
       OR NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'public.ra_odds_history'::regclass
                                                  AND attname = 'race_id' AND NOT attisdropped) THEN
        RETURN;                                     -- already converted
    END IF;
    LOCK TABLE public.ra_odds_history IN ACCESS EXCLUSIVE MODE;
    DROP TRIGGER IF EXISTS ra_odds_history_hourly_ins ON public.ra_odds_history;
    DROP TRIGGER IF EXISTS ra_odds_history_hourly_del ON public.ra_odds_history;
    DROP TRIGGER IF EXISTS ra_odds_history_hourly_trunc ON public.ra_odds_history;
    ALTER TABLE public.ra_odds_history RENAME TO ra_odds_history_0003;
    FOR v_part IN
        SELECT c.oid::regclass AS rel, c.relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'public.ra_odds_history_0003'::regclass
    LOOP
        EXECUTE format('ALTER TABLE public.ra_odds_history_0003 DETACH PARTITION %s', v_part.rel);
        FOR v_idx IN
            SELECT x.indexrelid::regclass AS idx, con.conname
              FROM pg_index x LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid
                                                         AND con.conrelid = x.indrelid
             WHERE x.indrelid = v_part.rel
        LOOP
            IF v_idx.conname IS NOT NULL THEN
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', v_part.rel, v_idx.conname);
            ELSE
                EXECUTE format('DROP INDEX %s', v_idx.idx);
            END IF;
        END LOOP;
        EXECUTE format('ALTER TABLE %s RENAME TO %I', v_part.rel,
                       'ra_odds_history_0003_' || substr(v_part.relname, 17));
    END LOOP;
    DROP TABLE public.ra_odds_history_0003;
END
$$;

-- The compact table --------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_odds_history (
    observed_at    timestamptz NOT NULL,            -- upstream changed_at, else the cycle time
    race_key       integer NOT NULL,                -- dh_race_keys
    horse_key      integer NOT NULL,                -- dh_horse_keys
    decimal_milli  integer NOT NULL CHECK (decimal_milli > 1000),  -- decimal odds x 1000
    previous_milli integer CHECK (previous_milli > 1000),          -- NULL for the first price
    bookmaker_key  smallint NOT NULL,               -- dh_bookmaker_keys
    frac_num       smallint CHECK (frac_num > 0),   -- fractional "frac_num/frac_den"
    frac_den       smallint CHECK (frac_den > 0),
    fractional     text,                            -- any other fractional text, kept whole
    PRIMARY KEY (race_key, horse_key, bookmaker_key, observed_at),
    CHECK ((frac_num IS NULL) = (frac_den IS NULL)),
    CHECK ((frac_num IS NULL) <> (fractional IS NULL))
) PARTITION BY RANGE (observed_at);
COMMENT ON TABLE ra_odds_history IS 'One row per observed price change (sparklines), integer keys (dh_race_keys, dh_horse_keys, dh_bookmaker_keys); partitioned by UTC month of observed_at; ra_odds_history_text reads it with text ids';
CREATE INDEX IF NOT EXISTS ra_odds_history_observed_brin ON ra_odds_history
    USING brin (observed_at) WITH (pages_per_range = 32);
CREATE TABLE IF NOT EXISTS ra_odds_history_default PARTITION OF ra_odds_history DEFAULT;
COMMENT ON TABLE ra_odds_history_default IS 'Rows of ra_odds_history outside every monthly partition; moved out when their month is created';

CREATE OR REPLACE TRIGGER ra_odds_history_hourly_ins AFTER INSERT ON ra_odds_history
    REFERENCING NEW TABLE AS dh_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();
CREATE OR REPLACE TRIGGER ra_odds_history_hourly_del AFTER DELETE ON ra_odds_history
    REFERENCING OLD TABLE AS dh_old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();
CREATE OR REPLACE TRIGGER ra_odds_history_hourly_trunc AFTER TRUNCATE ON ra_odds_history
    FOR EACH STATEMENT EXECUTE FUNCTION dh_odds_history_hourly_apply();

-- The old rows, a month at a time ----------------------------------------------------------

-- Keys in order of each id's first observation, so older races keep the lower keys. The
-- hourly counts are not touched: the rows and their hours stay the same (triggers are off
-- while a standalone partition is filled; the default's rows are counted out and back in).
DO $$
DECLARE
    v_old  record;
    v_lo   date;
    v_name text;
    v_sel  text := 'SELECT o.observed_at, r.race_key, h.horse_key, round(o.decimal * 1000)::integer,
                           round(o.previous_decimal * 1000)::integer, b.bookmaker_key,
                           public.dh_frac_num(o.fractional), public.dh_frac_den(o.fractional),
                           CASE WHEN public.dh_frac_num(o.fractional) IS NULL THEN o.fractional END
                      FROM public.%s o
                      JOIN public.dh_race_keys r ON r.race_id = o.race_id
                      JOIN public.dh_horse_keys h ON h.horse_id = o.horse_id
                      JOIN public.dh_bookmaker_keys b ON b.bookmaker_id = o.bookmaker_id
                     ORDER BY o.observed_at';
BEGIN
    FOR v_old IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname LIKE 'ra\_odds\_history\_0003\_%'
         ORDER BY c.relname = 'ra_odds_history_0003_default', c.relname
    LOOP
        EXECUTE format('INSERT INTO public.dh_race_keys (race_id) SELECT race_id FROM public.%I
                         GROUP BY race_id ORDER BY min(observed_at), race_id ON CONFLICT DO NOTHING', v_old.relname);
        EXECUTE format('INSERT INTO public.dh_horse_keys (horse_id) SELECT horse_id FROM public.%I
                         GROUP BY horse_id ORDER BY min(observed_at), horse_id ON CONFLICT DO NOTHING', v_old.relname);
        EXECUTE format('INSERT INTO public.dh_bookmaker_keys (bookmaker_id) SELECT bookmaker_id FROM public.%I
                         GROUP BY bookmaker_id ORDER BY min(observed_at), bookmaker_id ON CONFLICT DO NOTHING',
                       v_old.relname);
        IF v_old.relname = 'ra_odds_history_0003_default' THEN
            EXECUTE format('INSERT INTO public.ra_odds_history ' || v_sel, v_old.relname);
            -- The rows were counted once already: the insert's trigger counted them again.
            UPDATE public.dh_odds_history_hourly h SET rows = greatest(h.rows - d.n, 0)
              FROM (SELECT date_bin('1 hour', observed_at, timestamptz '2000-01-01 00:00:00+00') AS hour,
                           count(*) AS n
                      FROM public.ra_odds_history_0003_default GROUP BY 1) d
             WHERE h.hour = d.hour;
        ELSE
            v_lo := to_date(substr(v_old.relname, 22), 'YYYY_MM');
            v_name := 'ra_odds_history_' || to_char(v_lo, 'YYYY_MM');
            EXECUTE format('CREATE TABLE public.%I (LIKE public.ra_odds_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                           v_name);
            EXECUTE format('INSERT INTO public.%I ' || v_sel, v_name, v_old.relname);
            EXECUTE format('ALTER TABLE public.ra_odds_history ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_lo::text || ' 00:00:00+00',
                           (v_lo + interval '1 month')::date::text || ' 00:00:00+00');
            EXECUTE format('COMMENT ON TABLE public.%I IS %L', v_name,
                           'ra_odds_history partition for ' || to_char(v_lo, 'YYYY-MM') || ' (UTC)');
        END IF;
        EXECUTE format('DROP TABLE public.%I', v_old.relname);
    END LOOP;
END
$$;

-- Every month 0003 made, and those to three months ahead.
SELECT dh_ensure_odds_history_partitions(
    date '2023-01-01',
    (extract(year FROM (now() AT TIME ZONE 'UTC') + interval '3 months')::integer - 2023) * 12
        + extract(month FROM (now() AT TIME ZONE 'UTC') + interval '3 months')::integer);

-- The old shape, read through the keys --------------------------------------------------------

CREATE OR REPLACE VIEW ra_odds_history_text AS
SELECT r.race_id, h.horse_id, b.bookmaker_id, x.observed_at,
       coalesce(x.fractional, x.frac_num || '/' || x.frac_den) AS fractional,
       (x.decimal_milli * 0.001)::numeric(10,3) AS decimal,
       (x.previous_milli * 0.001)::numeric(10,3) AS previous_decimal
  FROM ra_odds_history x
  JOIN dh_race_keys r ON r.race_key = x.race_key
  JOIN dh_horse_keys h ON h.horse_key = x.horse_key
  JOIN dh_bookmaker_keys b ON b.bookmaker_key = x.bookmaker_key;
COMMENT ON VIEW ra_odds_history_text IS 'ra_odds_history with text ids, numeric prices and fractional as upstream wrote it (the shape before 0023); inserts and deletes a row at a time';

-- Keys of three ids, given to those without one.
CREATE OR REPLACE FUNCTION dh_odds_history_keys(p_race text, p_horse text, p_book text,
                                                OUT race_key integer, OUT horse_key integer,
                                                OUT bookmaker_key smallint)
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    INSERT INTO public.dh_race_keys (race_id) VALUES (p_race) ON CONFLICT DO NOTHING;
    INSERT INTO public.dh_horse_keys (horse_id) VALUES (p_horse) ON CONFLICT DO NOTHING;
    INSERT INTO public.dh_bookmaker_keys (bookmaker_id) VALUES (p_book) ON CONFLICT DO NOTHING;
    SELECT k.race_key INTO race_key FROM public.dh_race_keys k WHERE k.race_id = p_race;
    SELECT k.horse_key INTO horse_key FROM public.dh_horse_keys k WHERE k.horse_id = p_horse;
    SELECT k.bookmaker_key INTO bookmaker_key FROM public.dh_bookmaker_keys k WHERE k.bookmaker_id = p_book;
END
$$;
COMMENT ON FUNCTION dh_odds_history_keys(text, text, text) IS 'ra_odds_history''s keys of a race, horse and bookmaker id, given at first sight';

CREATE OR REPLACE FUNCTION dh_odds_history_text_write() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    k record;
BEGIN
    IF TG_OP = 'INSERT' THEN
        k := public.dh_odds_history_keys(NEW.race_id, NEW.horse_id, NEW.bookmaker_id);
        INSERT INTO public.ra_odds_history (observed_at, race_key, horse_key, decimal_milli, previous_milli,
                                            bookmaker_key, frac_num, frac_den, fractional)
        VALUES (NEW.observed_at, k.race_key, k.horse_key, round(NEW.decimal * 1000),
                round(NEW.previous_decimal * 1000), k.bookmaker_key, public.dh_frac_num(NEW.fractional),
                public.dh_frac_den(NEW.fractional),
                CASE WHEN public.dh_frac_num(NEW.fractional) IS NULL THEN NEW.fractional END);
        RETURN NEW;
    END IF;
    DELETE FROM public.ra_odds_history x
     USING public.dh_race_keys r, public.dh_horse_keys h, public.dh_bookmaker_keys b
     WHERE r.race_id = OLD.race_id AND h.horse_id = OLD.horse_id AND b.bookmaker_id = OLD.bookmaker_id
       AND x.race_key = r.race_key AND x.horse_key = h.horse_key AND x.bookmaker_key = b.bookmaker_key
       AND x.observed_at = OLD.observed_at;
    RETURN OLD;
END
$$;
COMMENT ON FUNCTION dh_odds_history_text_write() IS 'INSTEAD OF trigger of ra_odds_history_text: writes the row to ra_odds_history under its keys';
CREATE OR REPLACE TRIGGER ra_odds_history_text_ins INSTEAD OF INSERT ON ra_odds_history_text
    FOR EACH ROW EXECUTE FUNCTION dh_odds_history_text_write();
CREATE OR REPLACE TRIGGER ra_odds_history_text_del INSTEAD OF DELETE ON ra_odds_history_text
    FOR EACH ROW EXECUTE FUNCTION dh_odds_history_text_write();

SELECT dh_apply_grants();
