-- 0008_original_columns.sql: the original DarkHorses' column names for ra_odds_live,
-- ra_odds_historical, ra_odds_statistics and ra_bookmakers, and its bookmaker ids and types
-- (../shared/original-api/README.md §5 and §6), so the original's SQL runs unchanged.
--
-- Names: a schema "original" holds one view per original table, under the table's name,
-- computing the original's columns from ours when they are read. The tables themselves and
-- the workers' writes are untouched: a name only a legacy client reads costs the write path
-- nothing. (Stored generated columns plus the card written by dh-live on every price, tried
-- first, cost dh-live's database time: bench/ingest, moved prices 467 ms against 225 ms.)
-- The original's SQL runs on a connection whose search_path puts the schema first:
--   postgresql://USER@HOST/DB?options=-csearch_path%3Doriginal,public
-- Our programs keep their search_path and never see the views. The views are granted to
-- dh_reader only, SELECT only: nothing writes through them.
--
-- Each view has the original's columns in the original's order, then ours that it does not
-- rename (decimal, number, course_id...). Where a value comes from:
-- - the same row, renamed or converted (odds_decimal = decimal, track = upper(course),
--   race_time = UK time of off_dt, date_of_race = the racing day at 00:00 UTC...);
-- - a constant of the original (market_type 'WIN', market_status 'OPEN', in_play false,
--   data_source, file_source);
-- - the race or runner, by a join on their keys to ra_races / ra_runners (jockey, trainer,
--   draw, weight, age, form, race class, going; the historical runner's rating, weight,
--   headgear and btn); ra_odds_live.runners is the card's field size, as dh-api's
--   /api/live-odds gives it. A join nobody selects is removed by the planner, and a filter on
--   our columns (race_id, race_date, off_dt, bookmaker_id) still uses the table's indexes;
-- - ra_odds_statistics.bookmaker_list: the display names quoting in ra_odds_live for races off
--   after the cycle's start, read when selected. Exact for the current cycles; an old cycle
--   whose races have been pruned gets an empty list (we keep no per-cycle list).
--
-- Values where the original was wrong carry the corrected value: race_time is the UK local
-- time of the off (C3), ra_odds_live.weight the pounds carried from the card (C6), country GB
-- or IRE (C4, as stored), bookmaker_type 'exchange' for Betfair Exchange and the other
-- exchanges (C16). Types are the original's (race_class of ra_odds_historical an integer, the
-- returns numeric(10,4)). The row ids the original drew from a sequence (ra_odds_live.id,
-- racing_bet_data_id) are a stable number made from the row's key, below 2^52, as dh-api
-- gives them (fcgi-api/odds_live.c, odds_historical.c).
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
-- ra_bookmakers.type keeps our values (bookmaker, exchange), set by dh_bookmaker_type().
-- Statistics snapshots (dh_stats_snapshots) keep the ids they were computed with until the
-- next run of dh-statistics.
--
-- Run in one transaction by dh-migrate; every statement can run again (IF NOT EXISTS,
-- OR REPLACE, updates that skip rows already done). The tables whose ids are rewritten are
-- locked first, in one statement, so a worker running meanwhile waits instead of
-- deadlocking; readers go on.

LOCK TABLE ra_bookmakers, ra_odds_live, ra_odds_history IN EXCLUSIVE MODE;

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

-- Our ra_bookmakers.type (bookmaker, exchange) as the original's bookmaker_type (fixed, exchange):
-- what the API, the statistics and the views answer with.
CREATE OR REPLACE FUNCTION dh_original_type(type text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE type WHEN 'exchange' THEN 'exchange' ELSE 'fixed' END;
COMMENT ON FUNCTION dh_original_type(text) IS 'ra_bookmakers.type as the original''s bookmaker_type: exchange, else fixed';

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

-- The original's tables, as views ------------------------------------------------------------

CREATE SCHEMA IF NOT EXISTS original;
COMMENT ON SCHEMA original IS 'The original DarkHorses'' tables under its column names, as read-only views of ours (0008_original_columns.sql); put it first in search_path';
REVOKE ALL ON SCHEMA original FROM PUBLIC;

CREATE OR REPLACE VIEW original.ra_odds_live AS
SELECT ('x' || substr(md5(l.race_id || '/' || l.horse_id || '/' || l.bookmaker_id), 1, 13))
           ::bit(52)::bigint AS id,
       l.race_id, l.horse_id, l.bookmaker_id, l.race_date,
       (l.off_dt AT TIME ZONE 'Europe/London')::time AS race_time,
       l.off_dt, l.course, l.race_name, r.race_class, r.type AS race_type, r.distance, r.going,
       r.field_size AS runners,
       l.horse_name, l.number AS horse_number, u.jockey_name AS jockey, u.trainer_name AS trainer,
       u.draw, u.lbs::text AS weight, u.age, u.form, l.bookmaker_name,
       public.dh_bookmaker_type(l.bookmaker_id, l.bookmaker_name) AS bookmaker_type,
       'WIN'::text AS market_type, l.decimal AS odds_decimal, l.fractional AS odds_fractional,
       'OPEN'::text AS market_status, false AS in_play, l.price_changed_at AS odds_timestamp,
       l.fetched_at, l.updated_at,
       l.course_id, l.region_code, l.number, l.fractional, l.decimal, l.ew_places, l.ew_denom,
       l.price_changed_at, l.upstream_updated_at, l.created_at
  FROM public.ra_odds_live l
  LEFT JOIN public.ra_races r ON r.race_id = l.race_id
  LEFT JOIN public.ra_runners u ON u.race_id = l.race_id AND u.horse_id = l.horse_id;
COMMENT ON VIEW original.ra_odds_live IS 'The original''s ra_odds_live: public.ra_odds_live with the card from ra_races / ra_runners (race_time UK time C3, weight in lbs C6)';

CREATE OR REPLACE VIEW original.ra_odds_historical AS
SELECT ('x' || left(md5(h.race_id || '/' || h.horse_id), 13))::bit(52)::bigint AS racing_bet_data_id,
       h.race_date::timestamp AT TIME ZONE 'UTC' AS date_of_race,
       h.country, upper(h.course) AS track, h.race_time, h.race_name, h.going, h.race_type,
       h.distance, substring(h.race_class FROM '[0-9]+')::integer AS race_class,
       h.field_size AS runners_count, h.horse_name,
       coalesce(u.result_or, u.ofr) AS official_rating, u.age, u.weight, h.jockey, h.trainer,
       u.headgear, h.draw AS stall_number, h.sp_fav_rank AS sp_favorite_position,
       h.sp_dec::numeric(10,4) AS industry_sp, h.position AS finishing_position,
       u.btn AS winning_distance,
       h.price_min::numeric(10,4) AS ip_min, h.price_min::numeric(10,4) AS pre_race_min,
       h.price_max::numeric(10,4) AS ip_max, h.price_max::numeric(10,4) AS pre_race_max,
       h.price_mean::numeric(10,4) AS forecasted_odds,
       h.win_return::numeric(10,4) AS sp_win_return, h.place_return::numeric(10,4) AS place_return,
       h.ew_return::numeric(10,4) AS ew_return,
       'Racing API - Racecards + Results'::text AS data_source,
       'racing_api_combined_v1'::text AS file_source,
       h.created_at, h.updated_at, h.off_dt AS match_timestamp,
       h.race_id, h.horse_id, h.race_date, h.off_dt, h.course_id, h.course,
       h.race_class AS race_class_name, h.field_size, h.number, h.draw, h.position, h.position_num,
       h.finished, h.sp, h.sp_dec, h.sp_fav_rank, h.bookmaker_count, h.price_min, h.price_max,
       h.price_mean, h.win_return, h.ew_fraction, h.ew_places
  FROM public.ra_odds_historical h
  LEFT JOIN public.ra_runners u ON u.race_id = h.race_id AND u.horse_id = h.horse_id;
COMMENT ON VIEW original.ra_odds_historical IS 'The original''s ra_odds_historical: public.ra_odds_historical with the runner''s rating, weight, headgear and btn from ra_runners';

CREATE OR REPLACE VIEW original.ra_odds_statistics AS
SELECT s.id, s.cycle_started_at AS fetch_timestamp, NULL::text AS race_id,
       s.races AS races_count, s.horses AS horses_count, s.bookmakers AS bookmakers_found,
       s.odds_fetched AS total_odds_fetched,
       (SELECT coalesce(array_agg(DISTINCT l.bookmaker_name ORDER BY l.bookmaker_name), '{}')
          FROM public.ra_odds_live l
         WHERE l.off_dt > s.cycle_started_at AND l.bookmaker_name IS NOT NULL) AS bookmaker_list,
       s.duration_ms::numeric AS fetch_duration_ms, s.errors AS errors_count, s.created_at,
       s.cycle_started_at, s.duration_ms, s.races, s.horses, s.bookmakers, s.odds_fetched,
       s.rows_changed, s.history_rows, s.errors, s.error_detail, s.updated_at
  FROM public.ra_odds_statistics s;
COMMENT ON VIEW original.ra_odds_statistics IS 'The original''s ra_odds_statistics: public.ra_odds_statistics; bookmaker_list the names quoting races not yet off at the cycle';

CREATE OR REPLACE VIEW original.ra_bookmakers AS
SELECT b.bookmaker_id, b.name AS bookmaker_name,
       public.dh_original_type(b.type) AS bookmaker_type,
       b.active, b.created_at, b.name, b.type, b.updated_at
  FROM public.ra_bookmakers b;
COMMENT ON VIEW original.ra_bookmakers IS 'The original''s ra_bookmakers: public.ra_bookmakers, bookmaker_type fixed or exchange';

-- Read-only, for the read role; the views read the tables with their owner's rights.
REVOKE ALL ON ALL TABLES IN SCHEMA original FROM PUBLIC, dh_writer;
GRANT USAGE ON SCHEMA original TO dh_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA original TO dh_reader;

SELECT dh_apply_grants();
