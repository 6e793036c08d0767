-- 0022_grants.sql: dh_apply_grants() keeps dh_db_health() the reader's only.
--
-- 0010 made dh_db_health() (the statistics behind /api/db-health/stats, run as dh_monitor
-- with pg_read_all_stats) callable by dh_reader alone. But every later migration ends with
-- dh_apply_grants(), whose GRANT EXECUTE ON ALL FUNCTIONS gave it back to dh_writer. The
-- function now revokes it again each time it runs.
CREATE OR REPLACE FUNCTION dh_apply_grants() RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    GRANT USAGE ON SCHEMA public TO dh_reader, dh_writer;
    GRANT SELECT ON ALL TABLES IN SCHEMA public TO dh_reader;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dh_writer;
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dh_writer;
    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO dh_writer;

    -- Only the migration runner records migrations.
    REVOKE INSERT, UPDATE, DELETE ON public.schema_migrations FROM dh_writer;
    -- This function is for migrations only.
    REVOKE EXECUTE ON FUNCTION public.dh_apply_grants() FROM PUBLIC, dh_reader, dh_writer;
    -- The database statistics are the API reader's only (0010).
    IF to_regprocedure('public.dh_db_health(integer)') IS NOT NULL THEN
        REVOKE EXECUTE ON FUNCTION public.dh_db_health(integer) FROM PUBLIC, dh_writer;
    END IF;
END
$$;
COMMENT ON FUNCTION dh_apply_grants() IS 'Grants dh_reader/dh_writer their privileges on every existing table, sequence and function (dh_db_health() the reader''s only); call at the end of each migration';

SELECT dh_apply_grants();
