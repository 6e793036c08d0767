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

SELECT dh_apply_grants();
