-- 0003_odds.sql: live prices, their movement history, finished-race odds and live-cycle stats.
--
-- ra_odds_history is partitioned by month of observed_at (UTC months). Partitions are named
-- ra_odds_history_YYYY_MM and made by dh_ensure_odds_history_partitions(), the only way the
-- writer role can create them; ra_odds_history_default catches anything outside them so an
-- insert never fails. No foreign keys (see 0002).

-- Live prices -------------------------------------------------------------------------------

-- One row per race, horse and bookmaker with the current price. Only rows whose price changed
-- are written, so fetched_at is the live cycle that last wrote the row, not the last one that
-- saw it; rows of races that are off are deleted by the live worker. This is the hot table
-- (about 18,000 rows a cycle), so unlike the others it has no updated_at trigger: the upsert
-- sets updated_at (and fetched_at, price_changed_at) itself.
CREATE TABLE IF NOT EXISTS ra_odds_live (
    race_id             text NOT NULL,
    horse_id            text NOT NULL,
    bookmaker_id        text NOT NULL,              -- dh_bookmaker_slug(upstream bookmaker)
    race_date           date NOT NULL,              -- Europe/London racing day
    off_dt              timestamptz,
    course_id           text,
    course              text,
    region_code         text CHECK (region_code = upper(region_code)),
    race_name           text,
    horse_name          text,
    number              integer CHECK (number >= 0),        -- saddle-cloth number
    bookmaker_name      text,                       -- upstream name: "Betfair Exchange"
    fractional          text NOT NULL,              -- "11/4"; exchanges give a decimal here
    decimal             numeric(10,3) NOT NULL CHECK (decimal > 1),
    ew_places           integer CHECK (ew_places >= 0),
    ew_denom            integer CHECK (ew_denom > 0),
    price_changed_at    timestamptz NOT NULL DEFAULT now(),  -- when decimal last changed
    fetched_at          timestamptz NOT NULL DEFAULT now(),  -- live cycle of the last write
    upstream_updated_at timestamptz,                -- upstream "updated" (UK local) converted
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (race_id, horse_id, bookmaker_id)
) WITH (fillfactor = 80);                           -- room for HOT updates of prices
COMMENT ON TABLE ra_odds_live IS 'Current price per race, horse and bookmaker for races not yet off';
CREATE INDEX IF NOT EXISTS ra_odds_live_race_date_idx ON ra_odds_live (race_date, off_dt);
CREATE INDEX IF NOT EXISTS ra_odds_live_off_dt_idx ON ra_odds_live (off_dt);
CREATE INDEX IF NOT EXISTS ra_odds_live_bookmaker_id_idx ON ra_odds_live (bookmaker_id, race_date);

-- Price movement ----------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_odds_history (
    race_id          text NOT NULL,
    horse_id         text NOT NULL,
    bookmaker_id     text NOT NULL,
    observed_at      timestamptz NOT NULL,          -- upstream changed_at, else the cycle time
    fractional       text NOT NULL,
    decimal          numeric(10,3) NOT NULL CHECK (decimal > 1),
    previous_decimal numeric(10,3) CHECK (previous_decimal > 1),   -- NULL for the first price
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (race_id, horse_id, bookmaker_id, observed_at)
) PARTITION BY RANGE (observed_at);
COMMENT ON TABLE ra_odds_history IS 'One row per observed price change (sparklines); partitioned by UTC month of observed_at';
CREATE INDEX IF NOT EXISTS ra_odds_history_race_idx ON ra_odds_history (race_id, observed_at);

CREATE TABLE IF NOT EXISTS ra_odds_history_default PARTITION OF ra_odds_history DEFAULT;
COMMENT ON TABLE ra_odds_history_default IS 'Rows of ra_odds_history outside every monthly partition; moved out when their month is created';

-- Creates the monthly partitions ra_odds_history_YYYY_MM for p_months months starting with the
-- month of p_from (UTC months: [YYYY-MM-01 00:00 UTC, next month)). Months that already have
-- their partition are skipped; rows waiting in the default partition for a new month are
-- moved into it. Returns how many partitions it created. Serialised by an advisory lock, so
-- concurrent callers are safe. SECURITY DEFINER: runs as the migration owner, which owns the
-- table; dh_writer may execute it, nobody else.
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
        EXECUTE format('CREATE TABLE public.%I (LIKE public.ra_odds_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                       v_name);
        EXECUTE format('WITH moved AS (DELETE FROM public.ra_odds_history_default
                                       WHERE observed_at >= %L::timestamptz
                                         AND observed_at < %L::timestamptz
                                       RETURNING *)
                        INSERT INTO public.%I SELECT * FROM moved',
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
COMMENT ON FUNCTION dh_ensure_odds_history_partitions(date, integer) IS 'Creates missing monthly partitions ra_odds_history_YYYY_MM for p_months months from the month of p_from; returns how many it created';
REVOKE ALL ON FUNCTION dh_ensure_odds_history_partitions(date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dh_ensure_odds_history_partitions(date, integer) TO dh_writer;

-- Backfills reach back to 2023; cover up to three months ahead. The live worker keeps calling
-- dh_ensure_odds_history_partitions(current_date, 3) so the months ahead always exist.
SELECT dh_ensure_odds_history_partitions(
    date '2023-01-01',
    (extract(year FROM (now() AT TIME ZONE 'UTC') + interval '3 months')::integer - 2023) * 12
        + extract(month FROM (now() AT TIME ZONE 'UTC') + interval '3 months')::integer);

-- Finished races ----------------------------------------------------------------------------

-- One row per runner of a finished race: pre-race prices from the last racecard snapshot
-- joined with the result (SP, position) and the derived returns for a 1-unit stake.
CREATE TABLE IF NOT EXISTS ra_odds_historical (
    race_id         text NOT NULL,
    horse_id        text NOT NULL,
    race_date       date NOT NULL,                  -- Europe/London racing day
    race_time       time,                           -- UK local time of the off, from off_dt
    off_dt          timestamptz,
    country         text CHECK (country = upper(country)),     -- GB, IRE...
    course_id       text,
    course          text,
    race_name       text,
    race_class      text,
    race_type       text,
    distance        text,
    going           text,
    field_size      integer CHECK (field_size >= 0),   -- runners that ran
    horse_name      text,
    jockey          text,
    trainer         text,
    number          integer CHECK (number >= 0),
    draw            integer CHECK (draw >= 0),
    position        text,
    position_num    integer CHECK (position_num >= 1),
    finished        boolean NOT NULL DEFAULT false, -- position is a number
    sp              text,
    sp_dec          numeric(10,3) CHECK (sp_dec > 1),
    sp_fav_rank     integer CHECK (sp_fav_rank >= 1),  -- 1 = shortest SP
    bookmaker_count integer NOT NULL DEFAULT 0 CHECK (bookmaker_count >= 0),
    price_min       numeric(10,3) CHECK (price_min > 1),
    price_max       numeric(10,3) CHECK (price_max > 1),
    price_mean      numeric(10,3) CHECK (price_mean > 1),
    win_return      numeric(12,3) CHECK (win_return >= 0),
    place_return    numeric(12,3) CHECK (place_return >= 0),
    ew_return       numeric(12,3) CHECK (ew_return >= 0),
    ew_fraction     text,                           -- "1/4", "1/5"; NULL: win only
    ew_places       integer CHECK (ew_places >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (race_id, horse_id),
    CHECK (price_min <= price_max)
);
COMMENT ON TABLE ra_odds_historical IS 'One row per runner of a finished race: SP, position, pre-race price range and derived returns';
CREATE INDEX IF NOT EXISTS ra_odds_historical_race_date_idx ON ra_odds_historical (race_date, race_time);
CREATE INDEX IF NOT EXISTS ra_odds_historical_course_id_idx ON ra_odds_historical (course_id, race_date);
CREATE INDEX IF NOT EXISTS ra_odds_historical_lower_course_idx ON ra_odds_historical (lower(course), race_date);
CREATE OR REPLACE TRIGGER ra_odds_historical_updated_at BEFORE UPDATE ON ra_odds_historical
    FOR EACH ROW EXECUTE FUNCTION dh_set_updated_at();

-- Live cycles -------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS ra_odds_statistics (
    id               bigserial PRIMARY KEY,
    cycle_started_at timestamptz NOT NULL,
    duration_ms      integer CHECK (duration_ms >= 0),
    races            integer NOT NULL DEFAULT 0 CHECK (races >= 0),
    horses           integer NOT NULL DEFAULT 0 CHECK (horses >= 0),
    bookmakers       integer NOT NULL DEFAULT 0 CHECK (bookmakers >= 0),
    odds_fetched     integer NOT NULL DEFAULT 0 CHECK (odds_fetched >= 0),
    rows_changed     integer NOT NULL DEFAULT 0 CHECK (rows_changed >= 0),
    history_rows     integer NOT NULL DEFAULT 0 CHECK (history_rows >= 0),
    errors           integer NOT NULL DEFAULT 0 CHECK (errors >= 0),
    error_detail     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE ra_odds_statistics IS 'One row per live odds cycle: what was found, written and how long it took';
CREATE INDEX IF NOT EXISTS ra_odds_statistics_started_idx ON ra_odds_statistics (cycle_started_at);

SELECT dh_apply_grants();
