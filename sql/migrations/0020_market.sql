-- 0020_market.sql: what a runner's price opened at and closed at, kept per bookmaker.
--
-- ra_odds_live.opening_decimal, opening_at: the first price dh-live saw for the runner at the
-- bookmaker, and when. Written once by the INSERT of a new price and never updated, so the
-- movers' "since first seen" (GET /api/movers?window=open) costs no history scan. Rows already
-- live when this runs take their first recorded change from ra_odds_history.
--
-- ra_odds_closing: one row per race, runner and bookmaker once the race is off: the opening
-- price and the last price before the off (the closing line). dh-live writes it from the live
-- row in the same statement that prunes the row after the off, so the history is never
-- scanned for it either. With the runner's SP (ra_runners.sp_dec) it gives closing-line value:
-- 100 * (price / SP - 1), what a price taken then was worth against the starting price.
ALTER TABLE ra_odds_live
    ADD COLUMN IF NOT EXISTS opening_decimal numeric(10,3) CHECK (opening_decimal > 1),
    ADD COLUMN IF NOT EXISTS opening_at      timestamptz;

UPDATE ra_odds_live l
   SET opening_decimal = f.decimal, opening_at = f.observed_at
  FROM (SELECT DISTINCT ON (h.race_id, h.horse_id, h.bookmaker_id)
               h.race_id, h.horse_id, h.bookmaker_id, h.decimal, h.observed_at
          FROM ra_odds_history h
         WHERE h.race_id IN (SELECT DISTINCT race_id FROM ra_odds_live)
         ORDER BY h.race_id, h.horse_id, h.bookmaker_id, h.observed_at) f
 WHERE l.opening_decimal IS NULL AND f.race_id = l.race_id AND f.horse_id = l.horse_id
   AND f.bookmaker_id = l.bookmaker_id;

CREATE TABLE IF NOT EXISTS ra_odds_closing (
    race_id          text NOT NULL,
    horse_id         text NOT NULL,
    bookmaker_id     text NOT NULL,
    race_date        date NOT NULL,                 -- Europe/London racing day
    off_dt           timestamptz,
    opening_decimal  numeric(10,3) CHECK (opening_decimal > 1),  -- first price seen; NULL: before 0020
    opening_at       timestamptz,                   -- when it was first seen
    closing_decimal  numeric(10,3) NOT NULL CHECK (closing_decimal > 1),  -- last price before the off
    closing_fractional text NOT NULL,               -- the same as upstream wrote it
    closing_at       timestamptz NOT NULL,          -- when the closing price was set
    created_at       timestamptz NOT NULL DEFAULT now(),  -- when dh-live wrote the row
    PRIMARY KEY (race_id, horse_id, bookmaker_id)
);
COMMENT ON TABLE ra_odds_closing IS 'Opening and closing (last before the off) price per race, runner and bookmaker; written by dh-live when it prunes the race''s live prices';
CREATE INDEX IF NOT EXISTS ra_odds_closing_race_date_idx ON ra_odds_closing (race_date, bookmaker_id);


-- dh_market_daily: how early prices fared against the SP, per racing day, bookmaker and how many
-- days before the off the price was first seen (0, 1, 2, 3 = three or more), rolled from
-- ra_odds_closing and the runners' SP by dh_refresh_market() (dh-statistics, every cycle). The
-- row with bookmaker_id '_best' is each runner's best opening price across bookmakers.
-- Closing lines come a day after the off and SPs with the results, so only the last
-- p_days days are looked at, and a day is rolled again whenever its count of closing lines
-- with an SP changed.
CREATE TABLE IF NOT EXISTS dh_market_daily (
    race_date        date NOT NULL,
    bookmaker_id     text NOT NULL,                 -- '_best': the best opening price of all bookmakers
    days_before      integer NOT NULL CHECK (days_before BETWEEN 0 AND 3),   -- 3: three or more
    runners          integer NOT NULL CHECK (runners > 0),   -- prices with an SP to compare
    opening_beat_sp  integer NOT NULL CHECK (opening_beat_sp >= 0),   -- opening price above SP
    closing_beat_sp  integer NOT NULL CHECK (closing_beat_sp >= 0),   -- closing price above SP
    opening_clv_sum  numeric(14,3) NOT NULL,        -- sum of 100 * (opening / SP - 1)
    closing_clv_sum  numeric(14,3) NOT NULL,        -- sum of 100 * (closing / SP - 1)
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (race_date, bookmaker_id, days_before)
);
COMMENT ON TABLE dh_market_daily IS 'Early (opening) and closing prices against SP per racing day, bookmaker and days before the off; rolled by dh_refresh_market()';

CREATE TABLE IF NOT EXISTS dh_market_days (
    race_date  date PRIMARY KEY,
    prices     integer NOT NULL,                     -- closing lines with an SP when rolled
    rolled_at  timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE dh_market_days IS 'Racing days rolled into dh_market_daily and their count of closing lines with an SP then';

-- Rolls the last p_days racing days up to p_today whose closing lines with an SP changed.
-- Returns the number of days rolled.
CREATE OR REPLACE FUNCTION dh_refresh_market(p_today date, p_days integer DEFAULT 8)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_days date[];
BEGIN
    SELECT coalesce(array_agg(race_date), '{}') INTO v_days
      FROM (SELECT c.race_date, count(*) AS n
              FROM ra_odds_closing c
              JOIN ra_runners ru ON ru.race_id = c.race_id AND ru.horse_id = c.horse_id
             WHERE c.race_date > p_today - p_days AND c.race_date <= p_today AND ru.sp_dec > 1
             GROUP BY c.race_date) c
      FULL JOIN (SELECT race_date, prices FROM dh_market_days
                  WHERE race_date > p_today - p_days AND race_date <= p_today) d USING (race_date)
     WHERE coalesce(d.prices, 0) <> coalesce(c.n, 0);
    IF cardinality(v_days) = 0 THEN
        RETURN 0;
    END IF;
    DELETE FROM dh_market_daily WHERE race_date = ANY (v_days);
    INSERT INTO dh_market_daily (race_date, bookmaker_id, days_before, runners, opening_beat_sp,
                                 closing_beat_sp, opening_clv_sum, closing_clv_sum)
    WITH p AS (
        SELECT c.race_date, c.race_id, c.horse_id, c.bookmaker_id, c.opening_decimal, c.closing_decimal,
               least(3, greatest(0, floor(extract(epoch FROM c.off_dt - c.opening_at) / 86400)))::int
                   AS days_before,
               ru.sp_dec
          FROM ra_odds_closing c
          JOIN ra_runners ru ON ru.race_id = c.race_id AND ru.horse_id = c.horse_id
         WHERE c.race_date = ANY (v_days) AND ru.sp_dec > 1 AND c.opening_decimal > 1),
    best AS (
        SELECT DISTINCT ON (race_id, horse_id) race_date, race_id, horse_id, '_best'::text AS bookmaker_id,
               opening_decimal, max(closing_decimal) OVER (PARTITION BY race_id, horse_id) AS closing_decimal,
               days_before, sp_dec
          FROM p ORDER BY race_id, horse_id, opening_decimal DESC, days_before DESC),
    allp AS (
        SELECT race_date, bookmaker_id, days_before, opening_decimal, closing_decimal, sp_dec FROM p
        UNION ALL
        SELECT race_date, bookmaker_id, days_before, opening_decimal, closing_decimal, sp_dec FROM best)
    SELECT race_date, bookmaker_id, days_before, count(*),
           count(*) FILTER (WHERE opening_decimal > sp_dec), count(*) FILTER (WHERE closing_decimal > sp_dec),
           round(sum(100 * (opening_decimal / sp_dec - 1)), 3), round(sum(100 * (closing_decimal / sp_dec - 1)), 3)
      FROM allp
     GROUP BY race_date, bookmaker_id, days_before;
    DELETE FROM dh_market_days WHERE race_date = ANY (v_days);
    INSERT INTO dh_market_days (race_date, prices, rolled_at)
    SELECT c.race_date, count(*), now()
      FROM ra_odds_closing c JOIN ra_runners ru ON ru.race_id = c.race_id AND ru.horse_id = c.horse_id
     WHERE c.race_date = ANY (v_days) AND ru.sp_dec > 1
     GROUP BY c.race_date;
    RETURN cardinality(v_days);
END
$$;
COMMENT ON FUNCTION dh_refresh_market(date, integer) IS 'Rolls the recent days whose closing lines with an SP changed into dh_market_daily; returns days rolled';

SELECT dh_apply_grants();
