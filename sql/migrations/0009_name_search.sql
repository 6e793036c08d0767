-- 0009_name_search.sql: name filters match a case-insensitive substring anywhere in the name,
-- as the original's ILIKE '%value%' did, served by trigram indexes (pg_trgm).
--
-- The filters are written lower(col) LIKE dh_contains_pattern($n): the value's %, _ and \ are
-- escaped, so they are letters, not wildcards (the original let them act as wildcards). A GIN
-- trigram index answers LIKE with a pattern from a parameter, in a generic plan too; a pattern
-- shorter than three characters scans the whole (small) index rather than the table.
--
-- pg_trgm ships with PostgreSQL 15 (Debian's postgresql-15 package) and is a trusted
-- extension: the schema owner that runs the migrations may create it without being a
-- superuser, as long as it may create objects in the database. Where it cannot, the migration
-- still applies and says so: the filters work, without their indexes.

-- Whether the value occurs in a lower-cased text: the LIKE pattern '%value%' for lower(value),
-- wildcards escaped. Inlined by the planner, so the index sees lower(col) LIKE <expression>.
CREATE OR REPLACE FUNCTION dh_contains_pattern(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN '%' || replace(replace(replace(lower(value), '\', '\\'), '%', '\%'), '_', '\_') || '%';
COMMENT ON FUNCTION dh_contains_pattern(text) IS 'LIKE pattern matching lower(value) anywhere, with its %, _ and \ taken literally';

DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN insufficient_privilege OR undefined_file THEN
        RAISE NOTICE 'pg_trgm not available (%): name filters will work without their indexes', SQLERRM;
        RETURN;
    END;
    -- /api/masters/{courses,jockeys,trainers,owners,horses}?name=
    CREATE INDEX IF NOT EXISTS ra_courses_name_trgm_idx ON ra_courses USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ra_jockeys_name_trgm_idx ON ra_jockeys USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ra_trainers_name_trgm_idx ON ra_trainers USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ra_owners_name_trgm_idx ON ra_owners USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS ra_horses_name_trgm_idx ON ra_horses USING gin (lower(name) gin_trgm_ops);
    -- /api/historical-odds?course=
    CREATE INDEX IF NOT EXISTS ra_odds_historical_course_trgm_idx
        ON ra_odds_historical USING gin (lower(course) gin_trgm_ops);
END
$$;

-- The equality index on lower(course) served the old exact-name filter, which no query uses now.
DROP INDEX IF EXISTS ra_odds_historical_lower_course_idx;

-- The prefix indexes of 0002 (text_pattern_ops) are superseded by the trigram indexes and the
-- byte-order name indexes of 0005.
DROP INDEX IF EXISTS ra_courses_lower_name_idx;
DROP INDEX IF EXISTS ra_jockeys_lower_name_idx;
DROP INDEX IF EXISTS ra_trainers_lower_name_idx;
DROP INDEX IF EXISTS ra_owners_lower_name_idx;
DROP INDEX IF EXISTS ra_horses_lower_name_idx;

SELECT dh_apply_grants();
