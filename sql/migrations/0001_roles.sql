-- 0001_roles.sql: migration bookkeeping, the two application roles and their privileges.
--
-- dh_writer: the workers. Reads and writes every table, uses sequences, executes functions;
--            creates ra_odds_history partitions only through dh_ensure_odds_history_partitions().
-- dh_reader: dh-api. SELECT only, plus dh_touch_api_key() for API-key authentication.
-- Both are created NOLOGIN; a deployment runs ALTER ROLE ... LOGIN PASSWORD '...'.
-- Roles are cluster-wide, so creating them is guarded: a second database in the same cluster
-- migrates cleanly. Everything below the roles is per database.
--
-- Later migrations that create tables end with SELECT dh_apply_grants(); so grants hold
-- whoever runs them (ALTER DEFAULT PRIVILEGES only covers objects made by the role that ran it).

-- dh-migrate creates this table itself before applying anything; the same shape here so the
-- file also stands alone. version is the file's four-digit prefix, name the file name.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL DEFAULT '',
    checksum   text NOT NULL DEFAULT '',
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE schema_migrations IS 'Migration files applied to this database, recorded by the migration runner';

-- Roles -------------------------------------------------------------------------------------

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dh_writer') THEN
        BEGIN
            CREATE ROLE dh_writer NOLOGIN;
            COMMENT ON ROLE dh_writer IS 'DarkHorses workers: read/write on all tables';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;   -- created meanwhile by a concurrent migration of another database
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'dh_reader') THEN
        BEGIN
            CREATE ROLE dh_reader NOLOGIN;
            COMMENT ON ROLE dh_reader IS 'DarkHorses API: read-only, plus dh_touch_api_key()';
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
    END IF;
END
$$;

-- Database and schema -----------------------------------------------------------------------

-- Nobody but the owner creates objects in public (already the default since PostgreSQL 15).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO dh_reader, dh_writer;

-- Temporary tables are for the writer's bulk loads (COPY into a staging table), not for the
-- read-only role.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO dh_reader, dh_writer', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO dh_writer', current_database());
END
$$;

-- Default privileges for what the migrating role creates from now on -----------------------

ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO dh_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dh_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dh_writer;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO dh_writer;

-- Explicit grants, re-run at the end of every migration that creates objects ---------------

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
END
$$;
COMMENT ON FUNCTION dh_apply_grants() IS 'Grants dh_reader/dh_writer their privileges on every existing table, sequence and function; call at the end of each migration';

SELECT dh_apply_grants();
