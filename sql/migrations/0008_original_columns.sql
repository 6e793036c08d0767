-- 0008_original_columns.sql: the original DarkHorses' column names in ra_odds_live,
-- ra_odds_historical, ra_odds_statistics and ra_bookmakers, and its bookmaker ids and types
-- (../shared/original-api/README.md §5 and §6), so the original's SQL runs unchanged.
--
-- Our names stay: the original's are added beside them, never in their place.
--
-- Mechanism, by where a value comes from:
-- - A column of the same row (odds_decimal = decimal, race_time from off_dt, track =
--   upper(course)...): a STORED generated column (PostgreSQL 15 has no virtual ones). It can
--   never disagree with ours, needs no writer to know it, and costs the executor an
--   expression per written row plus its bytes (about 40 a row in ra_odds_live). Adding one
--   rewrites the table once, under an ACCESS EXCLUSIVE lock: seconds for ra_odds_live (a day
--   of prices) and ra_odds_historical (a few hundred thousand rows). No index or key uses
--   them, so a price change stays a HOT update. ra_odds_history (partitioned, the biggest
--   table) is not one of the original's tables and gets none.
-- - A constant of the original (market_type 'WIN', market_status 'OPEN', in_play false,
--   data_source, file_source): a plain column with that default, as the original declared
--   it. ADD COLUMN with a constant default rewrites nothing.
-- - A value of the race or runner (jockey, weight, race class, going...): plain columns. On
--   ra_odds_live dh-live writes them from the racecard it already holds, the one place where
--   they cost almost nothing (a few more fields in its COPY; a row trigger reading
--   ra_runners cost 33 us a new price, measured: +500 ms for a full day). On
--   ra_odds_historical (written once a day) a BEFORE trigger fills them from ra_runners. The
--   rows already stored get them here from ra_races / ra_runners.
-- - ra_odds_statistics.bookmaker_list: a BEFORE INSERT trigger, once a live cycle, lists the
--   names quoting in ra_odds_live.
-- Otherwise the workers' SQL is unchanged: it writes none of the generated columns.
--
-- Values where the original was wrong carry the corrected value: race_time is the UK local
-- time of the off (C3), ra_odds_live.weight the pounds carried from the card (C6),
-- ra_odds_historical.country GB or IRE (C4, as already stored), bookmaker_type 'exchange' for
-- Betfair Exchange and the other exchanges (C16).
--
-- Types are the original's, except: ra_odds_historical.race_class stays our text ("Class 4";
-- the original's integer 4 cannot share the name); ra_odds_statistics.id is bigint (the
-- original serial); place_return and ew_return keep our numeric(12,3). Not provided: the
-- original's surrogate row ids ra_odds_live.id and ra_odds_historical.racing_bet_data_id
-- (our rows are keyed by race, horse and bookmaker; a sequence would cost ra_odds_live a
-- nextval per new price, and ids here are text).
--
-- Bookmaker ids become the original's: lower case with the spaces removed, then its alias
-- map ("Betfair Exchange" -> betfairexchange, "William Hill" -> williamhill, "Boyle" ->
-- boylesports), replacing our underscore slugs (betfair_exchange, william_hill). We also drop
-- any character other than [a-z0-9], which the original kept (none seen upstream), so an id
-- stays URL-safe. The stored ids are rewritten in ra_bookmakers, ra_odds_live and
-- ra_odds_history. Two old ids can become one (spread_ex and spreadex, sporting_index and
-- sportingindex): the rows that would then share a key are merged, keeping one: in
-- ra_bookmakers the first seen (the original's rule: one name per id), in ra_odds_live the
-- most recently fetched price, in ra_odds_history the one already under the new id, else the
-- smallest old id. The ids of the alias map get its display names (BetVictor, BoyleSports).
-- Statistics snapshots (dh_stats_snapshots) keep the ids they were computed with until the
-- next run of dh-statistics.
--
-- Run in one transaction by dh-migrate; every statement can run again (IF NOT EXISTS,
-- OR REPLACE, updates that skip rows already done). The tables are locked first, in one
-- statement, so a worker running meanwhile waits instead of deadlocking with the rewrite.

LOCK TABLE ra_bookmakers, ra_odds_live, ra_odds_historical, ra_odds_statistics
    IN ACCESS EXCLUSIVE MODE;
LOCK TABLE ra_odds_history IN EXCLUSIVE MODE;  -- readers go on; it gains no column

-- Bookmaker ids and types ---------------------------------------------------------------------

-- The same rule as rapi_odds_bookmaker_slug() in shared/rapi_odds.c.
CREATE OR REPLACE FUNCTION dh_bookmaker_slug(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE regexp_replace(lower(name), '[^a-z0-9]+', '', 'g')
           WHEN 'boyle' THEN 'boylesports'
           WHEN 'sport888' THEN '888sport'
           ELSE regexp_replace(lower(name), '[^a-z0-9]+', '', 'g')
       END;
COMMENT ON FUNCTION dh_bookmaker_slug(text) IS 'The original DarkHorses'' bookmaker id for an upstream name (or an older id): lower case, characters other than [a-z0-9] removed, then its alias map (boyle -> boylesports, sport888 -> 888sport)';

-- The original's bookmaker_type, corrected (C16): its four exchanges, and any bookmaker
-- whose name says it is one ("Betfair Exchange").
CREATE OR REPLACE FUNCTION dh_bookmaker_type(bookmaker_id text, name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN bookmaker_id IN ('betfair', 'betfairexchange', 'betdaq', 'matchbook', 'smarkets')
                 OR name ~* 'exchange'
            THEN 'exchange' ELSE 'fixed' END;
COMMENT ON FUNCTION dh_bookmaker_type(text, text) IS 'exchange or fixed, as the original''s bookmaker_type (Betfair Exchange: exchange)';

-- ra_bookmakers: one row per new id, the first seen.
DELETE FROM ra_bookmakers b
USING (SELECT bookmaker_id,
              row_number() OVER (PARTITION BY dh_bookmaker_slug(bookmaker_id)
                                 ORDER BY created_at, bookmaker_id = dh_bookmaker_slug(bookmaker_id) DESC,
                                          bookmaker_id) AS n
         FROM ra_bookmakers) d
WHERE b.bookmaker_id = d.bookmaker_id AND d.n > 1;
UPDATE ra_bookmakers SET bookmaker_id = dh_bookmaker_slug(bookmaker_id)
WHERE bookmaker_id <> dh_bookmaker_slug(bookmaker_id);

-- ra_odds_live: one price per race, horse and new id, the most recently fetched.
DELETE FROM ra_odds_live l
USING (SELECT ctid,
              row_number() OVER (PARTITION BY race_id, horse_id, dh_bookmaker_slug(bookmaker_id)
                                 ORDER BY fetched_at DESC,
                                          bookmaker_id = dh_bookmaker_slug(bookmaker_id) DESC,
                                          bookmaker_id) AS n
         FROM ra_odds_live) d
WHERE l.ctid = d.ctid AND d.n > 1;
UPDATE ra_odds_live SET bookmaker_id = dh_bookmaker_slug(bookmaker_id)
WHERE bookmaker_id <> dh_bookmaker_slug(bookmaker_id);

-- ra_odds_history: one change per race, horse, new id and instant. Only the ids that merge
-- with another can collide, so only their rows are ranked.
DELETE FROM ra_odds_history h
USING (SELECT tableoid, ctid,
              row_number() OVER (PARTITION BY race_id, horse_id, dh_bookmaker_slug(bookmaker_id),
                                              observed_at
                                 ORDER BY bookmaker_id = dh_bookmaker_slug(bookmaker_id) DESC,
                                          bookmaker_id) AS n
         FROM ra_odds_history
        WHERE dh_bookmaker_slug(bookmaker_id) IN (
                  SELECT dh_bookmaker_slug(bookmaker_id)
                    FROM (SELECT DISTINCT bookmaker_id FROM ra_odds_history) i
                   GROUP BY 1 HAVING count(*) > 1)) d
WHERE h.tableoid = d.tableoid AND h.ctid = d.ctid AND d.n > 1;
UPDATE ra_odds_history SET bookmaker_id = dh_bookmaker_slug(bookmaker_id)
WHERE bookmaker_id <> dh_bookmaker_slug(bookmaker_id);

-- The alias map's display names (rapi_odds_bookmaker_name() in shared/rapi_odds.c).
CREATE OR REPLACE FUNCTION dh_bookmaker_name(bookmaker_id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE bookmaker_id
    WHEN 'betfair' THEN 'Betfair' WHEN 'smarkets' THEN 'Smarkets' WHEN 'matchbook' THEN 'Matchbook'
    WHEN 'betdaq' THEN 'Betdaq' WHEN 'bet365' THEN 'Bet365' WHEN 'williamhill' THEN 'William Hill'
    WHEN 'paddypower' THEN 'Paddy Power' WHEN 'ladbrokes' THEN 'Ladbrokes' WHEN 'coral' THEN 'Coral'
    WHEN 'skybet' THEN 'Sky Bet' WHEN 'betfred' THEN 'Betfred' WHEN 'unibet' THEN 'Unibet'
    WHEN 'betvictor' THEN 'BetVictor' WHEN 'betway' THEN 'Betway'
    WHEN 'boylesports' THEN 'BoyleSports' WHEN '888sport' THEN '888 Sport'
END;
COMMENT ON FUNCTION dh_bookmaker_name(text) IS 'The original''s display name of a bookmaker id of its alias map ("BetVictor"), else NULL';
UPDATE ra_bookmakers SET name = dh_bookmaker_name(bookmaker_id)
WHERE name <> dh_bookmaker_name(bookmaker_id);
UPDATE ra_odds_live SET bookmaker_name = dh_bookmaker_name(bookmaker_id)
WHERE bookmaker_name IS DISTINCT FROM dh_bookmaker_name(bookmaker_id)
  AND dh_bookmaker_name(bookmaker_id) IS NOT NULL;
UPDATE ra_bookmakers
SET type = CASE dh_bookmaker_type(bookmaker_id, name) WHEN 'exchange' THEN 'exchange' ELSE 'bookmaker' END
WHERE type <> CASE dh_bookmaker_type(bookmaker_id, name) WHEN 'exchange' THEN 'exchange' ELSE 'bookmaker' END;
COMMENT ON TABLE ra_bookmakers IS 'Bookmakers and exchanges quoting prices; bookmaker_id = dh_bookmaker_slug(upstream name), the original''s ids';

ALTER TABLE ra_bookmakers
    ADD COLUMN IF NOT EXISTS bookmaker_name text GENERATED ALWAYS AS (name) STORED,
    ADD COLUMN IF NOT EXISTS bookmaker_type text
        GENERATED ALWAYS AS (CASE type WHEN 'exchange' THEN 'exchange' ELSE 'fixed' END) STORED;

-- ra_odds_live ----------------------------------------------------------------------------------

ALTER TABLE ra_odds_live
    ADD COLUMN IF NOT EXISTS race_time time
        GENERATED ALWAYS AS ((off_dt AT TIME ZONE 'Europe/London')::time) STORED,
    ADD COLUMN IF NOT EXISTS horse_number integer GENERATED ALWAYS AS (number) STORED,
    ADD COLUMN IF NOT EXISTS bookmaker_type text
        GENERATED ALWAYS AS (dh_bookmaker_type(bookmaker_id, bookmaker_name)) STORED,
    ADD COLUMN IF NOT EXISTS odds_decimal numeric(10,3) GENERATED ALWAYS AS (decimal) STORED,
    ADD COLUMN IF NOT EXISTS odds_fractional text GENERATED ALWAYS AS (fractional) STORED,
    ADD COLUMN IF NOT EXISTS odds_timestamp timestamptz GENERATED ALWAYS AS (price_changed_at) STORED,
    ADD COLUMN IF NOT EXISTS market_type text DEFAULT 'WIN',
    ADD COLUMN IF NOT EXISTS market_status text DEFAULT 'OPEN',
    ADD COLUMN IF NOT EXISTS in_play boolean DEFAULT false,
    ADD COLUMN IF NOT EXISTS race_class text,
    ADD COLUMN IF NOT EXISTS race_type text,
    ADD COLUMN IF NOT EXISTS distance text,
    ADD COLUMN IF NOT EXISTS going text,
    ADD COLUMN IF NOT EXISTS runners integer,
    ADD COLUMN IF NOT EXISTS jockey text,
    ADD COLUMN IF NOT EXISTS trainer text,
    ADD COLUMN IF NOT EXISTS draw integer,
    ADD COLUMN IF NOT EXISTS weight text,
    ADD COLUMN IF NOT EXISTS age integer,
    ADD COLUMN IF NOT EXISTS form text;

-- dh-live writes the card's columns from the racecard it fetches (workers/live/store.c); the
-- prices already stored get them from the masters tables (runners, NULL only in those rows:
-- the card's entries, non-runners included, as the original counted them).
UPDATE ra_odds_live l
SET jockey = u.jockey_name, trainer = u.trainer_name, draw = u.draw, weight = u.lbs::text,
    age = u.age, form = u.form
FROM ra_runners u
WHERE u.race_id = l.race_id AND u.horse_id = l.horse_id AND l.runners IS NULL;
UPDATE ra_odds_live l
SET race_class = r.race_class, race_type = r.type, distance = r.distance, going = r.going,
    runners = (SELECT count(*) FROM ra_runners n WHERE n.race_id = l.race_id)
FROM ra_races r
WHERE r.race_id = l.race_id AND l.runners IS NULL;

-- ra_odds_historical ----------------------------------------------------------------------------

ALTER TABLE ra_odds_historical
    ADD COLUMN IF NOT EXISTS date_of_race timestamptz
        GENERATED ALWAYS AS (race_date::timestamp AT TIME ZONE 'UTC') STORED,
    ADD COLUMN IF NOT EXISTS track text GENERATED ALWAYS AS (upper(course)) STORED,
    ADD COLUMN IF NOT EXISTS runners_count integer GENERATED ALWAYS AS (field_size) STORED,
    ADD COLUMN IF NOT EXISTS stall_number integer GENERATED ALWAYS AS (draw) STORED,
    ADD COLUMN IF NOT EXISTS sp_favorite_position integer GENERATED ALWAYS AS (sp_fav_rank) STORED,
    ADD COLUMN IF NOT EXISTS industry_sp numeric(10,4) GENERATED ALWAYS AS (sp_dec) STORED,
    ADD COLUMN IF NOT EXISTS finishing_position text GENERATED ALWAYS AS (position) STORED,
    ADD COLUMN IF NOT EXISTS ip_min numeric(10,4) GENERATED ALWAYS AS (price_min) STORED,
    ADD COLUMN IF NOT EXISTS pre_race_min numeric(10,4) GENERATED ALWAYS AS (price_min) STORED,
    ADD COLUMN IF NOT EXISTS ip_max numeric(10,4) GENERATED ALWAYS AS (price_max) STORED,
    ADD COLUMN IF NOT EXISTS pre_race_max numeric(10,4) GENERATED ALWAYS AS (price_max) STORED,
    ADD COLUMN IF NOT EXISTS forecasted_odds numeric(10,4) GENERATED ALWAYS AS (price_mean) STORED,
    ADD COLUMN IF NOT EXISTS sp_win_return numeric(10,4) GENERATED ALWAYS AS (win_return) STORED,
    ADD COLUMN IF NOT EXISTS match_timestamp timestamptz GENERATED ALWAYS AS (off_dt) STORED,
    ADD COLUMN IF NOT EXISTS data_source text DEFAULT 'Racing API - Racecards + Results',
    ADD COLUMN IF NOT EXISTS file_source text DEFAULT 'racing_api_combined_v1',
    ADD COLUMN IF NOT EXISTS official_rating integer,
    ADD COLUMN IF NOT EXISTS age integer,
    ADD COLUMN IF NOT EXISTS weight text,
    ADD COLUMN IF NOT EXISTS headgear text,
    ADD COLUMN IF NOT EXISTS winning_distance text;

-- The runner's columns of a finished race, from ra_runners: the result's rating, else the
-- card's; weight as the result gives it ("9-5"); btn is the distance to the horse in front.
CREATE OR REPLACE FUNCTION dh_odds_historical_runner() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    SELECT coalesce(u.result_or, u.ofr), u.age, u.weight, u.headgear, u.btn
      INTO NEW.official_rating, NEW.age, NEW.weight, NEW.headgear, NEW.winning_distance
      FROM public.ra_runners u
     WHERE u.race_id = NEW.race_id AND u.horse_id = NEW.horse_id;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION dh_odds_historical_runner() IS 'BEFORE trigger of ra_odds_historical: the original''s runner columns from ra_runners';

-- The rows already stored (years of them: one join rather than the trigger per row), leaving
-- their updated_at as it was: nobody else sees the table while it is locked.
ALTER TABLE ra_odds_historical DISABLE TRIGGER ra_odds_historical_updated_at;
UPDATE ra_odds_historical h
SET official_rating = coalesce(u.result_or, u.ofr), age = u.age, weight = u.weight,
    headgear = u.headgear, winning_distance = u.btn
FROM ra_runners u
WHERE u.race_id = h.race_id AND u.horse_id = h.horse_id
  AND (h.official_rating, h.age, h.weight, h.headgear, h.winning_distance)
      IS DISTINCT FROM (coalesce(u.result_or, u.ofr), u.age, u.weight, u.headgear, u.btn);
ALTER TABLE ra_odds_historical ENABLE TRIGGER ra_odds_historical_updated_at;

CREATE OR REPLACE TRIGGER ra_odds_historical_runner BEFORE INSERT OR UPDATE ON ra_odds_historical
    FOR EACH ROW EXECUTE FUNCTION dh_odds_historical_runner();

-- ra_odds_statistics ------------------------------------------------------------------------------

ALTER TABLE ra_odds_statistics
    ADD COLUMN IF NOT EXISTS fetch_timestamp timestamptz
        GENERATED ALWAYS AS (cycle_started_at) STORED,
    ADD COLUMN IF NOT EXISTS races_count integer GENERATED ALWAYS AS (races) STORED,
    ADD COLUMN IF NOT EXISTS horses_count integer GENERATED ALWAYS AS (horses) STORED,
    ADD COLUMN IF NOT EXISTS bookmakers_found integer GENERATED ALWAYS AS (bookmakers) STORED,
    ADD COLUMN IF NOT EXISTS total_odds_fetched integer GENERATED ALWAYS AS (odds_fetched) STORED,
    ADD COLUMN IF NOT EXISTS fetch_duration_ms numeric GENERATED ALWAYS AS (duration_ms) STORED,
    ADD COLUMN IF NOT EXISTS errors_count integer GENERATED ALWAYS AS (errors) STORED,
    ADD COLUMN IF NOT EXISTS race_id text,                 -- always NULL, as the original's
    ADD COLUMN IF NOT EXISTS bookmaker_list text[];

-- bookmaker_list: the display names of the bookmakers quoting the races not yet off when the
-- cycle is recorded (dh-live writes the row after storing the cycle's prices, whose unquoted
-- rows it has deleted). One short scan of ra_odds_live a cycle.
CREATE OR REPLACE FUNCTION dh_odds_statistics_books() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.bookmaker_list IS NULL THEN
        SELECT coalesce(array_agg(n ORDER BY n), '{}')
          INTO NEW.bookmaker_list
          FROM (SELECT DISTINCT bookmaker_name AS n FROM public.ra_odds_live
                 WHERE off_dt > NEW.cycle_started_at AND bookmaker_name IS NOT NULL) b;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION dh_odds_statistics_books() IS 'BEFORE INSERT trigger of ra_odds_statistics: the original''s bookmaker_list';
CREATE OR REPLACE TRIGGER ra_odds_statistics_books BEFORE INSERT ON ra_odds_statistics
    FOR EACH ROW EXECUTE FUNCTION dh_odds_statistics_books();

SELECT dh_apply_grants();
