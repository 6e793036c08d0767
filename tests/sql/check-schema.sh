#!/usr/bin/env bash
# check-schema.sh: applies sql/migrations/*.sql to two scratch databases the way the migration
# runner does (each file as one simple-query string inside BEGIN ... COMMIT) and checks the
# schema: roles and privileges, idempotent upserts by the writer, partition routing of
# ra_odds_history, and invariants (text ids, timestamptz, comments, CHECKs).
#
# usage: tests/sql/check-schema.sh CONNINFO
#   CONNINFO: a libpq connection string or URI for a superuser (or a database owner with
#   CREATEDB and CREATEROLE), e.g. "host=/path/to/sockdir user=postgres dbname=postgres".
#   DH_MIGRATIONS_DIR overrides the migrations directory (default: ../../sql/migrations).
# Prints one line per check, then "N passed, N failed"; exits 1 on any failure, 2 on misuse.
# Creates and drops its own databases and login roles. The cluster-wide NOLOGIN roles
# dh_reader and dh_writer stay (other databases of the cluster may be using them).

set -u

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 CONNINFO" >&2
    exit 2
fi
ADMIN=$1
case $ADMIN in
    postgres://* | postgresql://* | *=*) ;;
    *) ADMIN="dbname=$ADMIN" ;;
esac

HERE=$(cd "$(dirname "$0")" && pwd)
MIGRATIONS=${DH_MIGRATIONS_DIR:-$HERE/../../sql/migrations}
if ! ls "$MIGRATIONS"/[0-9]*.sql >/dev/null 2>&1; then
    echo "check-schema: no migrations in $MIGRATIONS" >&2
    exit 2
fi

TAG="dhchk_$$_$(date +%s)"
DB1="${TAG}_a"
DB2="${TAG}_b"
DB3="${TAG}_c"                  # migrated up to 0007, given rows, then migrated on
READER="${TAG}_reader"          # LOGIN role, member of dh_reader
WRITER="${TAG}_writer"          # LOGIN role, member of dh_writer
OUT=$(mktemp -d "${TMPDIR:-/tmp}/check-schema.XXXXXX")
PASSED=0
FAILED=0

# conn DB [USER]: conninfo for database DB, optionally as USER (later keywords override).
conn() {
    local extra="dbname=$1" sep=" "
    case $ADMIN in postgres://* | postgresql://*) sep="&" ;; esac
    [ $# -gt 1 ] && extra="$extra${sep}user=$2"
    case $ADMIN in
        postgres://* | postgresql://*)
            case $ADMIN in
                *\?*) printf '%s&%s' "$ADMIN" "$extra" ;;
                *) printf '%s?%s' "$ADMIN" "$extra" ;;
            esac ;;
        *) printf '%s %s' "$ADMIN" "$extra" ;;
    esac
}

# sql DB SQL: runs SQL as one simple query (one implicit transaction, like the runner);
# output in $OUT/out, errors in $OUT/err. DB "@admin" is the database of CONNINFO.
sql() {
    local db=$1
    [ "$db" = @admin ] && db=$ADMIN_DB
    psql -X -w -q -At -v ON_ERROR_STOP=1 -d "$(conn "$db")" -c "$2" >"$OUT/out" 2>"$OUT/err"
}

pass() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
fail() {
    FAILED=$((FAILED + 1)); echo "not ok - $1"
    [ -s "$OUT/err" ] && sed 's/^/#   /' "$OUT/err" | head -5
    [ -s "$OUT/out" ] && sed 's/^/#   got: /' "$OUT/out" | head -5
    return 0
}

# ok NAME DB SQL: the statement succeeds.
ok() { if sql "$2" "$3"; then pass "$1"; else fail "$1"; fi; }

# is NAME DB SQL EXPECTED: the statement succeeds and prints EXPECTED.
is() {
    if sql "$2" "$3" && [ "$(cat "$OUT/out")" = "$4" ]; then
        pass "$1"
    else
        echo "expected: $4" >>"$OUT/err"; fail "$1"
    fi
}

# denied NAME DB SQL: the statement fails with a permission error.
denied() {
    if sql "$2" "$3"; then
        echo "statement succeeded" >"$OUT/err"; fail "$1"
    elif grep -qE 'permission denied|must be owner' "$OUT/err" &&
         ! grep -q 'permission denied to set role' "$OUT/err"; then
        pass "$1"
    else
        fail "$1"
    fi
}

# rejected NAME DB SQL: the statement fails a constraint.
rejected() {
    if sql "$2" "$3"; then
        echo "statement succeeded" >"$OUT/err"; fail "$1"
    elif grep -qE 'violates (check|not-null) constraint' "$OUT/err"; then
        pass "$1"
    else
        fail "$1"
    fi
}

# fails_with NAME DB SQL PATTERN: the statement fails with an error matching PATTERN.
fails_with() {
    if sql "$2" "$3"; then
        echo "statement succeeded" >"$OUT/err"; fail "$1"
    elif grep -qE "$4" "$OUT/err"; then
        pass "$1"
    else
        fail "$1"
    fi
}

cleanup() {
    sql @admin "DROP DATABASE IF EXISTS $DB1" 2>/dev/null
    sql @admin "DROP DATABASE IF EXISTS $DB2" 2>/dev/null
    sql @admin "DROP DATABASE IF EXISTS $DB3" 2>/dev/null
    sql @admin "DROP ROLE IF EXISTS $READER; DROP ROLE IF EXISTS $WRITER" 2>/dev/null
    rm -rf "$OUT"
}

if ! psql -X -w -q -At -d "$ADMIN" -c "SELECT current_database()" >"$OUT/out" 2>"$OUT/err"; then
    echo "check-schema: cannot connect: $(cat "$OUT/err")" >&2
    rm -rf "$OUT"
    exit 2
fi
ADMIN_DB=$(cat "$OUT/out")
trap cleanup EXIT

# migrate DB [FROM [TO]]: apply every file (or those whose 4-digit version lies in FROM..TO)
# as dh-migrate does (admin/dh-migrate.c): the file as one simple query between BEGIN and the
# INSERT into schema_migrations (version = 4-digit prefix).
migrate() {
    local db=$1 from=${2:-0000} to=${3:-9999} f n
    for f in "$MIGRATIONS"/[0-9]*.sql; do
        n=$(basename "$f")
        [[ ${n:0:4} < $from || ${n:0:4} > $to ]] && continue
        ok "$db: apply $n" "$db" "BEGIN;
$(cat "$f")
;
INSERT INTO schema_migrations (version, name) VALUES ('${n:0:4}', '$n');
COMMIT;"
    done
}

echo "# migrations: $MIGRATIONS"
echo "# databases: $DB1 $DB2"

ok "create scratch database $DB1" @admin "CREATE DATABASE $DB1"
ok "create scratch database $DB2" @admin "CREATE DATABASE $DB2"

# --- (d) two databases in one cluster: the second finds the roles already there ------------
migrate "$DB1"
migrate "$DB2"
files=("$MIGRATIONS"/[0-9]*.sql)
is "$DB2: schema_migrations has every file" "$DB2" \
   "SELECT count(*) FROM schema_migrations" "${#files[@]}"
is "roles dh_reader and dh_writer exist" "$DB1" \
   "SELECT count(*) FROM pg_roles WHERE rolname IN ('dh_reader', 'dh_writer')" 2
is "roles are not superusers and cannot create roles or databases" "$DB1" \
   "SELECT count(*) FROM pg_roles WHERE rolname IN ('dh_reader', 'dh_writer')
      AND (rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls)" 0

D=$DB1

# --- invariants --------------------------------------------------------------------------
is "every table has a comment" "$D" \
   "SELECT string_agg(c.relname, ' ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
      AND obj_description(c.oid, 'pg_class') IS NULL" ""
is "every table but schema_migrations and ra_odds_history (its rows' observed_at, 0024) has created_at timestamptz" "$D" \
   "SELECT string_agg(c.relname, ' ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
      AND c.relname !~ '^ra_odds_history(_|$)'
      AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                      AND a.attname = 'created_at' AND a.atttypid = 'timestamptz'::regtype)" ""
is "ids are text (every *_id column)" "$D" \
   "SELECT string_agg(table_name || '.' || column_name, ' ') FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name LIKE '%\_id' AND data_type <> 'text'" ""
is "no timestamp without time zone" "$D" \
   "SELECT string_agg(table_name || '.' || column_name, ' ') FROM information_schema.columns
    WHERE table_schema = 'public' AND data_type = 'timestamp without time zone'" ""
is "no foreign keys" "$D" \
   "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND c.contype = 'f'" 0
is "dh_bookmaker_slug" "$D" \
   "SELECT dh_bookmaker_slug('Betfair Exchange') || ' ' || dh_bookmaker_slug('Bet365') || ' '
           || dh_bookmaker_slug('talkSPORT BET') || ' ' || dh_bookmaker_slug(' 10 Bet ')" \
   "betfairexchange bet365 talksportbet 10bet"
# Every upstream name of the reference (../shared/original-api/README.md §6) and its id.
is "dh_bookmaker_slug gives the original's id for every name the reference lists" "$D" \
   "SELECT string_agg(n || ' -> ' || dh_bookmaker_slug(n), ', ') FROM (VALUES
      ('Bet365', 'bet365'), ('William Hill', 'williamhill'), ('Paddy Power', 'paddypower'),
      ('Ladbrokes', 'ladbrokes'), ('Coral', 'coral'), ('Sky Bet', 'skybet'), ('Betfred', 'betfred'),
      ('Unibet', 'unibet'), ('Bet Victor', 'betvictor'), ('Betway', 'betway'),
      ('Boyle Sports', 'boylesports'), ('888 Sport', '888sport'), ('Matchbook', 'matchbook'),
      ('10 Bet', '10bet'), ('7Bet', '7bet'), ('Bet Goodwin', 'betgoodwin'), ('Bet UK', 'betuk'),
      ('BetMGM', 'betmgm'), ('BetTom', 'bettom'), ('Betfair Exchange', 'betfairexchange'),
      ('Betfair Sportsbook', 'betfairsportsbook'), ('BresBet', 'bresbet'), ('CopyBet', 'copybet'),
      ('Dragon Bet', 'dragonbet'), ('Gentlemen Jim', 'gentlemenjim'),
      ('Grosvenor Sports', 'grosvenorsports'), ('Livescore Bet', 'livescorebet'),
      ('Midnite', 'midnite'), ('Pari Match', 'parimatch'), ('PricedUp Bet', 'pricedupbet'),
      ('Quinn Bet', 'quinnbet'), ('Sporting Index', 'sportingindex'),
      ('SportingIndex', 'sportingindex'), ('Spread Ex', 'spreadex'), ('Spreadex', 'spreadex'),
      ('Star Sports', 'starsports'), ('Tote', 'tote'), ('V Bet', 'vbet'), ('Virgin Bet', 'virginbet'),
      ('talkSPORT BET', 'talksportbet'), ('Betfair', 'betfair'), ('Smarkets', 'smarkets'),
      ('Betdaq', 'betdaq'), ('Boyle', 'boylesports'), ('Sport 888', '888sport')) AS t (n, id)
    WHERE dh_bookmaker_slug(n) IS DISTINCT FROM id" ""
is "bookmakers seeded with the original's ids, names and types" "$D" \
   "SELECT count(*) FILTER (WHERE bookmaker_id = dh_bookmaker_slug(name)) = count(*) AND count(*) >= 28
           AND bool_or(bookmaker_id = 'betfairexchange' AND type = 'exchange'
                       AND bookmaker_type = 'exchange')
           AND bool_or(bookmaker_id = 'betvictor' AND bookmaker_name = 'BetVictor'
                       AND bookmaker_type = 'fixed')
           AND count(*) FILTER (WHERE bookmaker_type NOT IN ('fixed', 'exchange')) = 0
    FROM original.ra_bookmakers" t
is "worker status rows seeded" "$D" \
   "SELECT string_agg(worker, ',' ORDER BY worker) FROM dh_worker_status" \
   "historical,live,masters,statistics"
is "monthly partitions from 2023-01 to 3 months ahead" "$D" \
   "SELECT count(*) FROM generate_series(date '2023-01-01',
           date_trunc('month', (now() AT TIME ZONE 'UTC') + interval '3 months'), interval '1 month') m
    WHERE to_regclass('public.ra_odds_history_' || to_char(m, 'YYYY_MM')) IS NULL" 0
is "default partition exists" "$D" \
   "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class d ON d.oid = p.partdefid
    WHERE p.partrelid = 'ra_odds_history'::regclass AND d.relname = 'ra_odds_history_default'" 1
rejected "decimal must be > 1" "$D" \
   "INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, fractional, decimal)
    VALUES ('rac_x', 'hrs_x', 'bet365', '2025-10-14', '0/1', 1)"
rejected "region codes are upper case" "$D" \
   "INSERT INTO ra_courses (course_id, name, region_code) VALUES ('crs_x', 'X', 'gb')"
rejected "api key hash is lower-case hex sha-256" "$D" \
   "INSERT INTO dh_api_keys (key_id, name, key_hash) VALUES ('k', 'k', repeat('A', 64))"
rejected "counts are non-negative" "$D" \
   "INSERT INTO ra_odds_statistics (cycle_started_at, races) VALUES (now(), -1)"
rejected "historical date state is one of done/missing/failed" "$D" \
   "INSERT INTO dh_historical_dates (race_date, state) VALUES ('2024-01-01', 'weird')"

# --- login roles for the checks (SET ROLE: independent of pg_hba) -------------------------
ok "create login roles in dh_reader / dh_writer" @admin \
   "CREATE ROLE $READER LOGIN IN ROLE dh_reader; CREATE ROLE $WRITER LOGIN IN ROLE dh_writer;
    GRANT $READER, $WRITER TO CURRENT_USER"     -- lets a non-superuser SET ROLE to them
AS_R="SET ROLE $READER;"
AS_W="SET ROLE $WRITER;"
AS_O="SET ROLE $READER; SET search_path = original, public;"   # the original's SQL (README)

# --- (b) the writer upserts into every table ---------------------------------------------
# Each statement runs twice: the first inserts, the second takes the ON CONFLICT path.
W_UPSERTS=(
"ra_courses|INSERT INTO ra_courses (course_id, name, region_code, region)
 VALUES ('crs_52', 'Ascot', 'GB', 'Great Britain')
 ON CONFLICT (course_id) DO UPDATE SET name = EXCLUDED.name, region_code = EXCLUDED.region_code,
   region = EXCLUDED.region"
"ra_bookmakers|INSERT INTO ra_bookmakers (bookmaker_id, name, type)
 VALUES (dh_bookmaker_slug('New Book'), 'New Book', 'bookmaker')
 ON CONFLICT (bookmaker_id) DO UPDATE SET name = EXCLUDED.name"
"ra_jockeys|INSERT INTO ra_jockeys (jockey_id, name) VALUES ('jky_278085', 'Hollie Doyle')
 ON CONFLICT (jockey_id) DO UPDATE SET name = EXCLUDED.name"
"ra_trainers|INSERT INTO ra_trainers (trainer_id, name, location)
 VALUES ('trn_9837', 'A Fabre', 'Chantilly, France')
 ON CONFLICT (trainer_id) DO UPDATE SET name = EXCLUDED.name, location = EXCLUDED.location"
"ra_owners|INSERT INTO ra_owners (owner_id, name) VALUES ('own_587472', 'Chris Stedman')
 ON CONFLICT (owner_id) DO UPDATE SET name = EXCLUDED.name"
"ra_horses|INSERT INTO ra_horses (horse_id, name, dob, sex, sex_code, colour, colour_code, region,
   breeder, sire_id, sire, sire_region, dam_id, dam, dam_region, damsire_id, damsire,
   damsire_region, enriched_at)
 VALUES ('hrs_6181308', 'Flaggan (IRE)', '2011-06-19', 'gelding', 'G', 'b', 'B', 'IRE',
   'Liam Delahunty', 'sir_3188248', 'Stowaway (GB)', 'GB', 'dam_3194996', 'Zapata I (IRE)', 'IRE',
   'dsi_2117444', 'Thatching (GB)', 'GB', now())
 ON CONFLICT (horse_id) DO UPDATE SET name = EXCLUDED.name, dob = EXCLUDED.dob,
   enriched_at = EXCLUDED.enriched_at"
"ra_races|INSERT INTO ra_races (race_id, race_date, off_dt, off_time, course_id, course, region_code,
   race_name, race_class, type, distance, distance_f, field_size, going, surface, big_race)
 VALUES ('rac_11743160', '2025-10-14', '2025-10-14T13:44:00+01:00', '1:44', 'crs_1', 'Leicester',
   'GB', 'Some Handicap', 'Class 6', 'Flat', '7f', 7.0, 10, 'Good', 'Turf', false)
 ON CONFLICT (race_id) DO UPDATE SET off_dt = EXCLUDED.off_dt, going = EXCLUDED.going,
   field_size = EXCLUDED.field_size"
"ra_runners|INSERT INTO ra_runners (race_id, horse_id, race_date, horse_name, number, draw, jockey_id,
   jockey_name, trainer_id, trainer_name, owner_id, owner_name, lbs, ofr, rpr, ts, form,
   position, position_num, btn, ovr_btn, sp, sp_dec, finish_time, result_or, prize, resulted_at)
 VALUES ('rac_11743160', 'hrs_6181308', '2025-10-14', 'Flaggan (IRE)', 1, 3, 'jky_278085',
   'Hollie Doyle', 'trn_9837', 'A Fabre', 'own_587472', 'Chris Stedman', 131, 66, NULL, NULL, '21',
   '1', 1, '0', '0', '17/2', 9.5, '2:19.97', 66, 4187.20, now())
 ON CONFLICT (race_id, horse_id) DO UPDATE SET position = EXCLUDED.position,
   position_num = EXCLUDED.position_num, sp = EXCLUDED.sp, sp_dec = EXCLUDED.sp_dec"
"ra_results|INSERT INTO ra_results (race_id, race_date, off_dt, course_id, course, region_code,
   winning_time_detail, non_runners, tote_win, tote_pl)
 VALUES ('rac_11743160', '2025-10-14', '2025-10-14T13:44:00+01:00', 'crs_1', 'Leicester', 'GB',
   '2m 19.97s (slow by 2.07s)', 'Miss Chester (self certificate)', '£9.50', '£2.80 £1.50')
 ON CONFLICT (race_id) DO UPDATE SET winning_time_detail = EXCLUDED.winning_time_detail"
"ra_odds_live|INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, off_dt, course_id,
   course, region_code, race_name, horse_name, number, bookmaker_name, fractional, decimal,
   ew_places, ew_denom, upstream_updated_at)
 VALUES ('rac_11743160', 'hrs_6181308', 'bet365', '2025-10-14', '2025-10-14T13:44:00+01:00',
   'crs_1', 'Leicester', 'GB', 'Some Handicap', 'Flaggan (IRE)', 1, 'Bet365', '11/4', 3.75, 3, 5,
   '2025-10-14 13:43:08 Europe/London')
 ON CONFLICT (race_id, horse_id, bookmaker_id) DO UPDATE SET fractional = EXCLUDED.fractional,
   decimal = EXCLUDED.decimal, price_changed_at = now(), fetched_at = now()
 WHERE ra_odds_live.decimal IS DISTINCT FROM EXCLUDED.decimal"
"ra_odds_history|INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional,
   decimal, previous_decimal)
 SELECT 'rac_11743160', 'hrs_6181308', 'bet365', '2025-10-14T13:40:00+01:00', '11/4', 3.75, 4
  WHERE NOT EXISTS (SELECT 1 FROM ra_odds_history WHERE race_id = 'rac_11743160'
                      AND horse_id = 'hrs_6181308' AND bookmaker_id = 'bet365'
                      AND observed_at = '2025-10-14T13:40:00+01:00')"
"ra_odds_historical|INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, off_dt,
   country, course_id, course, race_name, field_size, horse_name, jockey, trainer, number, draw,
   position, position_num, finished, sp, sp_dec, sp_fav_rank, bookmaker_count, price_min,
   price_max, price_mean, win_return, place_return, ew_return, ew_fraction, ew_places)
 VALUES ('rac_11743160', 'hrs_6181308', '2025-10-14', '13:44', '2025-10-14T13:44:00+01:00', 'GB',
   'crs_1', 'Leicester', 'Some Handicap', 10, 'Flaggan (IRE)', 'Hollie Doyle', 'A Fabre', 1, 3,
   '1', 1, true, '17/2', 9.5, 3, 25, 7.5, 10, 8.8, 9.5, 2.7, 12.2, '1/5', 3)
 ON CONFLICT (race_id, horse_id) DO UPDATE SET sp_dec = EXCLUDED.sp_dec,
   win_return = EXCLUDED.win_return"
"ra_odds_statistics|INSERT INTO ra_odds_statistics (cycle_started_at, duration_ms, races, horses,
   bookmakers, odds_fetched, rows_changed, history_rows, errors)
 VALUES ('2025-10-14T12:00:00Z', 120, 47, 500, 28, 12000, 300, 300, 0)
 ON CONFLICT (id) DO NOTHING"
"dh_worker_status|INSERT INTO dh_worker_status (worker, state, host, pid, last_run_at, last_success_at,
   next_run_at, interval_s, interval_reason, rows_written, cycles)
 VALUES ('live', 'sleeping', 'host1', 4242, now(), now(), now() + interval '60 s', 60,
   'nearest race off in 25 min', 300, 1)
 ON CONFLICT (worker) DO UPDATE SET state = EXCLUDED.state, host = EXCLUDED.host, pid = EXCLUDED.pid,
   last_run_at = EXCLUDED.last_run_at, rows_written = dh_worker_status.rows_written + EXCLUDED.rows_written,
   cycles = dh_worker_status.cycles + 1"
"dh_worker_runs|INSERT INTO dh_worker_runs (worker, started_at, finished_at, ok, rows_written, detail)
 VALUES ('live', now(), now(), true, 300, '{\"races\": 47}')
 ON CONFLICT (id) DO NOTHING"
"dh_stats_snapshots|INSERT INTO dh_stats_snapshots (kind, body) VALUES ('live', '{\"total\": 1}')
 ON CONFLICT (id) DO NOTHING"
"dh_historical_dates|INSERT INTO dh_historical_dates (race_date, state, races, rows, attempts,
   attempted_at, completed_at)
 VALUES ('2025-10-13', 'done', 39, 400, 1, now(), now())
 ON CONFLICT (race_date) DO UPDATE SET state = EXCLUDED.state, rows = EXCLUDED.rows,
   attempts = dh_historical_dates.attempts + 1"
"dh_odds_history_hourly|INSERT INTO dh_odds_history_hourly (hour, rows) VALUES ('2025-10-13 10:00+00', 5)
 ON CONFLICT (hour) DO UPDATE SET rows = dh_odds_history_hourly.rows + EXCLUDED.rows"
"dh_historical_counts|INSERT INTO dh_historical_counts (kind, value, n) VALUES ('jockey', 'A Rider', 1)
 ON CONFLICT (kind, value) DO UPDATE SET n = dh_historical_counts.n + EXCLUDED.n"
"dh_api_keys|INSERT INTO dh_api_keys (key_id, name, key_hash)
 VALUES ('key_test', 'test', encode(sha256('secret'::bytea), 'hex'))
 ON CONFLICT (key_id) DO UPDATE SET name = EXCLUDED.name"
"ra_odds_closing|INSERT INTO ra_odds_closing (race_id, horse_id, bookmaker_id, race_date, off_dt,
   opening_decimal, opening_at, closing_decimal, closing_fractional, closing_at)
 VALUES ('rac_11743160', 'hrs_6181308', 'bet365', '2025-10-14', '2025-10-14T13:44:00+01:00', 4.5,
   '2025-10-13T09:00:00Z', 3.75, '11/4', '2025-10-14T13:40:00+01:00')
 ON CONFLICT (race_id, horse_id, bookmaker_id) DO NOTHING"
"dh_form_daily|INSERT INTO dh_form_daily (kind, entity_id, race_date, name, runs, wins, places, profit,
   runs_after_last_win) VALUES ('jockey', 'jky_1', '2025-10-14', 'J', 3, 1, 2, 0.5, 0)
 ON CONFLICT (kind, entity_id, race_date) DO UPDATE SET runs = EXCLUDED.runs"
"dh_form|INSERT INTO dh_form (kind, entity_id, name, runs, wins, as_of) VALUES ('jockey', 'jky_1', 'J', 3, 1,
   '2025-10-14') ON CONFLICT (kind, entity_id) DO UPDATE SET runs = EXCLUDED.runs"
"dh_form_days|INSERT INTO dh_form_days (race_date, races) VALUES ('2025-10-14', 1)
 ON CONFLICT (race_date) DO UPDATE SET races = EXCLUDED.races"
"dh_form_state|INSERT INTO dh_form_state (as_of) VALUES ('2025-10-14')
 ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of"
"dh_market_daily|INSERT INTO dh_market_daily (race_date, bookmaker_id, days_before, runners, opening_beat_sp,
   closing_beat_sp, opening_clv_sum, closing_clv_sum) VALUES ('2025-10-14', 'bet365', 1, 10, 4, 3, 12.5, -3)
 ON CONFLICT (race_date, bookmaker_id, days_before) DO UPDATE SET runners = EXCLUDED.runners"
"dh_market_days|INSERT INTO dh_market_days (race_date, prices) VALUES ('2025-10-14', 10)
 ON CONFLICT (race_date) DO UPDATE SET prices = EXCLUDED.prices"
)
for entry in "${W_UPSERTS[@]}"; do
    t=${entry%%|*}
    s=${entry#*|}
    if sql "$D" "$AS_W $s" && sql "$D" "$AS_W $s"; then
        pass "writer upserts into $t (twice)"
    else
        fail "writer upserts into $t (twice)"
    fi
done
ok "writer refreshes the form and early-price rollups (twice)" "$D" \
   "$AS_W SELECT dh_refresh_form('2025-10-15', 400), dh_refresh_market('2025-10-15');
    SELECT dh_refresh_form('2025-10-15', 400), dh_refresh_market('2025-10-15')"
is "the upserts cover every table (no table without a writer check)" "$D" \
   "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      AND c.relname NOT IN ('schema_migrations', $(printf "'%s'," "${W_UPSERTS[@]%%|*}" | sed 's/,$//'))" ""
# --- the original's SQL: every column of its odds tables by name (README §5), for the reader -
# with search_path original,public: the views of 0008 over our tables.
is "original ra_odds_live columns (race and runner columns from ra_races / ra_runners)" "$D" \
   "$AS_O SELECT id > 0, race_id, horse_id, bookmaker_id, race_date, race_time, off_dt IS NOT NULL, course,
           race_name, race_class, race_type, distance, going, runners, horse_name, horse_number,
           jockey, trainer, draw, weight, age, form, bookmaker_name, bookmaker_type, market_type,
           odds_decimal, odds_fractional, market_status, in_play,
           odds_timestamp IS NOT NULL AND fetched_at IS NOT NULL AND updated_at IS NOT NULL
      FROM ra_odds_live WHERE race_time = '13:44' AND horse_number = 1
     ORDER BY odds_decimal DESC, bookmaker_name" \
   "t|rac_11743160|hrs_6181308|bet365|2025-10-14|13:44:00|t|Leicester|Some Handicap|Class 6|Flat|7f|Good|10|Flaggan (IRE)|1|Hollie Doyle|A Fabre|3|131||21|Bet365|fixed|WIN|3.750|11/4|OPEN|f|t"
is "original ra_odds_historical columns" "$D" \
   "$AS_O SELECT racing_bet_data_id > 0, date_of_race = '2025-10-14T00:00:00Z', country, track, race_time, race_name, going,
           race_type, distance, race_class, runners_count, horse_name, official_rating, age, weight,
           jockey, trainer, headgear, stall_number, sp_favorite_position, industry_sp,
           finishing_position, winning_distance, ip_min, pre_race_min, ip_max, pre_race_max,
           forecasted_odds, sp_win_return, place_return, ew_return, data_source, file_source,
           created_at <= updated_at, match_timestamp = off_dt
      FROM ra_odds_historical WHERE track = 'LEICESTER' ORDER BY date_of_race, race_time" \
   "t|t|GB|LEICESTER|13:44:00|Some Handicap|||||10|Flaggan (IRE)|66|||Hollie Doyle|A Fabre||3|3|9.5000|1|0|7.5000|7.5000|10.0000|10.0000|8.8000|9.5000|2.7000|12.2000|Racing API - Racecards + Results|racing_api_combined_v1|t|t"
is "original ra_odds_statistics columns (bookmaker_list: the names quoting races not yet off)" "$D" \
   "$AS_O SELECT id > 0, fetch_timestamp = '2025-10-14T12:00:00Z', race_id, races_count, horses_count,
           bookmakers_found, total_odds_fetched, bookmaker_list, fetch_duration_ms, errors_count,
           created_at IS NOT NULL
      FROM ra_odds_statistics ORDER BY id LIMIT 1" \
   "t|t||47|500|28|12000|{Bet365}|120|0|t"
is "original ra_bookmakers columns" "$D" \
   "$AS_O SELECT string_agg(bookmaker_id || ' ' || bookmaker_name || ' ' || bookmaker_type || ' '
                            || active || ' ' || (created_at IS NOT NULL), ', ' ORDER BY bookmaker_id)
      FROM ra_bookmakers WHERE bookmaker_id IN ('betfairexchange', 'matchbook', 'williamhill')" \
   "betfairexchange Betfair Exchange exchange true true, matchbook Matchbook exchange true true, williamhill William Hill fixed true true"
is "an unchanged live price costs no row write" "$D" \
   "$AS_W WITH u AS (
      INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, fractional, decimal)
      VALUES ('rac_11743160', 'hrs_6181308', 'bet365', '2025-10-14', '11/4', 3.75)
      ON CONFLICT (race_id, horse_id, bookmaker_id) DO UPDATE SET decimal = EXCLUDED.decimal
      WHERE ra_odds_live.decimal IS DISTINCT FROM EXCLUDED.decimal RETURNING 1)
    SELECT count(*) FROM u" 0
is "updated_at is set on UPDATE unless given" "$D" \
   "$AS_W UPDATE ra_courses SET updated_at = '2000-01-01Z' WHERE course_id = 'crs_52';
    UPDATE ra_courses SET name = 'Ascot ' WHERE course_id = 'crs_52';
    SELECT updated_at > '2001-01-01Z' FROM ra_courses WHERE course_id = 'crs_52'" t
ok "writer deletes (pruning live rows)" "$D" \
   "$AS_W DELETE FROM ra_odds_live WHERE off_dt < '2025-10-14T13:45:00+01:00'"
ok "writer can use a temporary staging table" "$D" \
   "$AS_W CREATE TEMP TABLE stage (LIKE ra_odds_live); INSERT INTO stage SELECT * FROM ra_odds_live"
denied "writer cannot create tables in public" "$D" "$AS_W CREATE TABLE public.x (a int)"
denied "writer cannot alter tables" "$D" "$AS_W ALTER TABLE ra_courses ADD COLUMN x int"
denied "writer cannot drop tables" "$D" "$AS_W DROP TABLE ra_odds_statistics"
denied "writer cannot write schema_migrations" "$D" \
   "$AS_W INSERT INTO schema_migrations (version) VALUES ('9999_x')"
denied "writer cannot run dh_apply_grants" "$D" "$AS_W SELECT dh_apply_grants()"

# --- (c) partition routing and dh_ensure_odds_history_partitions ---------------------------
H="INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal)"
is "a row of a month with a partition lands in it" "$D" \
   "$AS_W $H VALUES ('rac_p', 'hrs_p', 'bet365', '2024-05-10T12:00:00Z', '2/1', 3)
    RETURNING tableoid::regclass" ra_odds_history_2024_05
is "month bounds are UTC whatever the session time zone" "$D" \
   "$AS_W SET TIME ZONE 'Europe/London';
    $H VALUES ('rac_p', 'hrs_p', 'bet365', '2024-06-01 00:30:00+01', '2/1', 3),
              ('rac_p', 'hrs_p', 'bet365', '2024-06-01 01:00:00+01', '2/1', 3)
    RETURNING tableoid::regclass" "ra_odds_history_2024_05
ra_odds_history_2024_06"
is "a row of a month without a partition lands in the default partition" "$D" \
   "$AS_W $H VALUES ('rac_p', 'hrs_p', 'bet365', '2019-06-15T12:00:00Z', '2/1', 3),
                    ('rac_p', 'hrs_p', 'bet365', '2019-07-01T00:00:00Z', '5/2', 3.5)
    RETURNING tableoid::regclass" "ra_odds_history_default
ra_odds_history_default"
is "writer creates partitions; rows waiting in default move in" "$D" \
   "$AS_W SELECT dh_ensure_odds_history_partitions('2019-06-20', 2);
    SELECT count(*) FROM ra_odds_history_default;
    SELECT string_agg(tableoid::regclass::text, ' ' ORDER BY observed_at) FROM ra_odds_history
     WHERE race_id = 'rac_p' AND observed_at < '2020-01-01Z'" "2
0
ra_odds_history_2019_06 ra_odds_history_2019_07"
is "a new month's table has observed_at first, the ids after it (0024: no padding)" "$D" \
   "SELECT string_agg(attname, ' ' ORDER BY attnum) FROM pg_attribute
     WHERE attrelid = 'ra_odds_history_2019_06'::regclass AND attnum > 0 AND NOT attisdropped" \
   "observed_at race_id horse_id bookmaker_id fractional decimal previous_decimal"
is "so has every month the migrations made (0024 made again those holding no row)" "$D" \
   "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'ra_odds_history'::regclass AND c.relname <> 'ra_odds_history_default'
       AND (SELECT attname FROM pg_attribute WHERE attrelid = c.oid AND attnum = 1) <> 'observed_at'" 0
is "dh_ensure_odds_history_partitions is idempotent" "$D" \
   "$AS_W SELECT dh_ensure_odds_history_partitions('2019-06-01', 2)" 0
is "dh_ensure_odds_history_partitions(current_date, 3) on a migrated database creates nothing" "$D" \
   "$AS_W SELECT dh_ensure_odds_history_partitions(current_date, 3)" 0
is "a new partition is attached with the parent's indexes" "$D" \
   "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = 'ra_odds_history_2019_06'::regclass)
         = (SELECT count(*) FROM pg_index WHERE indrelid = 'ra_odds_history'::regclass)" t
ok "writer writes a new partition directly" "$D" \
   "$AS_W $H VALUES ('rac_q', 'hrs_q', 'bet365', '2019-06-16T12:00:00Z', '2/1', 3);
    DELETE FROM ra_odds_history_2019_06 WHERE race_id = 'rac_q'"
# Two sessions at once: the advisory lock serialises them, each month is created once.
CONC="$AS_W SELECT dh_ensure_odds_history_partitions('2018-01-01', 6)"
psql -X -w -q -At -v ON_ERROR_STOP=1 -d "$(conn "$D")" -c "$CONC" >"$OUT/c1" 2>&1 &
c1=$!
psql -X -w -q -At -v ON_ERROR_STOP=1 -d "$(conn "$D")" -c "$CONC" >"$OUT/c2" 2>&1 &
c2=$!
if wait $c1 && wait $c2; then
    is "concurrent dh_ensure_odds_history_partitions: six months created once (6 + 0)" "$D" \
       "SELECT $(cat "$OUT/c1") + $(cat "$OUT/c2"), count(*) FROM pg_class
        WHERE relkind = 'r' AND relname LIKE 'ra\\_odds\\_history\\_2018\\_%'" "6|6"
else
    cat "$OUT/c1" "$OUT/c2" >"$OUT/err"
    fail "concurrent dh_ensure_odds_history_partitions: both callers succeed"
fi
denied "reader cannot create partitions" "$D" \
   "$AS_R SELECT dh_ensure_odds_history_partitions('2017-01-01', 1)"
fails_with "dh_ensure_odds_history_partitions rejects a negative month count" "$D" \
   "$AS_W SELECT dh_ensure_odds_history_partitions('2017-01-01', -1)" 'p_months out of range'

# --- (a) the reader reads and nothing else -----------------------------------------------
TABLES=$(psql -X -w -q -At -d "$(conn "$D")" -c \
   "SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1")
bad=""
for t in $TABLES; do
    sql "$D" "$AS_R SELECT count(*) FROM $t" || bad="$bad $t"
done
if [ -z "$bad" ]; then pass "reader selects from every table and partition"; else
    echo "failed on:$bad" >"$OUT/err"; fail "reader selects from every table and partition"; fi
denied "reader cannot insert" "$D" \
   "$AS_R INSERT INTO ra_courses (course_id, name, region_code) VALUES ('crs_r', 'R', 'GB')"
denied "reader cannot update" "$D" "$AS_R UPDATE ra_courses SET name = 'x'"
denied "reader cannot delete" "$D" "$AS_R DELETE FROM ra_odds_live"
denied "reader cannot truncate" "$D" "$AS_R TRUNCATE ra_odds_statistics"
denied "reader cannot insert into a partition directly" "$D" \
   "$AS_R INSERT INTO ra_odds_history_default (race_id, horse_id, bookmaker_id, observed_at,
      fractional, decimal) VALUES ('a', 'b', 'c', now(), '2/1', 3)"
denied "reader cannot create tables" "$D" "$AS_R CREATE TABLE public.r (a int)"
denied "reader cannot create temporary tables" "$D" "$AS_R CREATE TEMP TABLE r (a int)"
denied "reader cannot update dh_api_keys" "$D" "$AS_R UPDATE dh_api_keys SET revoked_at = NULL"
denied "reader cannot use sequences" "$D" "$AS_R SELECT nextval('dh_worker_runs_id_seq')"
denied "reader cannot write through the original's views" "$D" \
   "$AS_O UPDATE ra_bookmakers SET active = false"
denied "writer does not read the original's views (only dh_reader)" "$D" \
   "$AS_W SELECT 1 FROM original.ra_bookmakers"
# The connection string of README's "Coming from the original" (options=-csearch_path=...).
PGOPTIONS="-c search_path=original,public" is "the original's views by the README's connection options" "$D" \
   "$AS_R SELECT current_schemas(false)::text, (SELECT bookmaker_type FROM ra_bookmakers WHERE bookmaker_id = 'betfairexchange')" \
   "{original,public}|exchange"
# The views filter through our indexes: a race, a racing day (sequential scans off: the
# fixture is small enough for one).
for f in "race_id = 'rac_11743160'" "race_date = '2025-10-14'"; do
    if sql "$D" "$AS_O SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT * FROM ra_odds_live WHERE $f" &&
       grep -qE 'Index (Only )?Scan (using [a-z_]+ )?on ra_odds_live' "$OUT/out"; then
        pass "original.ra_odds_live WHERE $f: an index scan of ra_odds_live"
    else
        fail "original.ra_odds_live WHERE $f: an index scan of ra_odds_live"
    fi
done
is "reader authenticates an API key with dh_touch_api_key" "$D" \
   "$AS_R SELECT dh_touch_api_key(encode(sha256('secret'::bytea), 'hex')),
                 dh_touch_api_key(encode(sha256('wrong'::bytea), 'hex'));
    SELECT last_used_at IS NOT NULL FROM dh_api_keys WHERE key_id = 'key_test'" "t|f
t"
is "dh_touch_api_key: revoked keys are refused" "$D" \
   "UPDATE dh_api_keys SET revoked_at = now() WHERE key_id = 'key_test';
    $AS_R SELECT dh_touch_api_key(encode(sha256('secret'::bytea), 'hex'))" f

# A real login as the reader role's member, when the server's authentication lets this
# client in without a password (trust or peer); otherwise SET ROLE above has covered it.
if psql -X -w -q -At -d "$(conn "$D" "$READER")" -c "SELECT 1" >/dev/null 2>"$OUT/err"; then
    if psql -X -w -q -At -d "$(conn "$D" "$READER")" -c "SELECT count(*) >= 0 FROM ra_races" \
           >"$OUT/out" 2>"$OUT/err" && [ "$(cat "$OUT/out")" = t ] &&
       ! psql -X -w -q -At -d "$(conn "$D" "$READER")" -c "DELETE FROM ra_races" >/dev/null 2>&1; then
        pass "reader login: SELECT works, DELETE fails"
    else
        fail "reader login: SELECT works, DELETE fails"
    fi
else
    echo "# skipped real login as $READER: $(head -1 "$OUT/err")"
fi

# --- new databases after the first: grants also hold in the second one --------------------
is "$DB2: reader can read, writer can write" "$DB2" \
   "$AS_R SELECT count(*) >= 0 FROM ra_odds_live; RESET ROLE; $AS_W
    INSERT INTO ra_jockeys (jockey_id, name) VALUES ('jky_1', 'J') ON CONFLICT DO NOTHING RETURNING 1" "t
1"
denied "$DB2: reader cannot write" "$DB2" "$AS_R DELETE FROM ra_jockeys"

# --- a populated database migrates to the original's bookmaker ids and views (0008) -------
# Rows written under the old ids, two of which become one (spread_ex and spreadex): the
# merged live price is the latest, history keeps one change per instant, nothing else is lost.
ok "create scratch database $DB3" @admin "CREATE DATABASE $DB3"
migrate "$DB3" 0000 0007
ok "$DB3: rows under the old bookmaker ids" "$DB3" \
   "INSERT INTO ra_races (race_id, race_date, off_dt, course_id, course, race_class, type, distance,
      field_size, going) VALUES ('rac_m', '2025-10-14', '2025-10-14T19:10:00Z', 'crs_1', 'Leicester',
      'Class 4', 'Flat', '1m', 8, 'Soft');
    INSERT INTO ra_runners (race_id, horse_id, race_date, number, draw, age, jockey_name, lbs, form,
      result_or, weight, headgear, btn)
    VALUES ('rac_m', 'hrs_m', '2025-10-14', 4, 2, 5, 'J Rider', 133, '1-2', 70, '9-7', 'p', '1');
    INSERT INTO ra_odds_live (race_id, horse_id, bookmaker_id, race_date, off_dt, bookmaker_name,
      fractional, decimal, fetched_at)
    VALUES ('rac_m', 'hrs_m', 'spread_ex', '2025-10-14', '2025-10-14T19:10:00Z', 'Spread Ex', '3/1', 4,
            '2025-10-14T10:00:00Z'),
           ('rac_m', 'hrs_m', 'spreadex', '2025-10-14', '2025-10-14T19:10:00Z', 'Spreadex', '7/2', 4.5,
            '2025-10-14T11:00:00Z'),
           ('rac_m', 'hrs_m', 'bet_victor', '2025-10-14', '2025-10-14T19:10:00Z', 'Bet Victor', '3/1', 4,
            '2025-10-14T11:00:00Z');
    INSERT INTO ra_odds_history (race_id, horse_id, bookmaker_id, observed_at, fractional, decimal)
    VALUES ('rac_m', 'hrs_m', 'spread_ex', '2025-10-14T10:00:00Z', '3/1', 4),
           ('rac_m', 'hrs_m', 'spreadex', '2025-10-14T10:00:00Z', '3/1', 4),
           ('rac_m', 'hrs_m', 'spreadex', '2025-10-14T11:00:00Z', '7/2', 4.5),
           ('rac_m', 'hrs_m', 'bet_victor', '2025-10-14T11:00:00Z', '3/1', 4);
    INSERT INTO ra_odds_historical (race_id, horse_id, race_date, race_time, off_dt, country, course,
      field_size, horse_name, number, draw, position, sp_dec, price_min, price_max, price_mean)
    VALUES ('rac_m', 'hrs_m', '2025-10-14', '20:10', '2025-10-14T19:10:00Z', 'IRE', 'Leicester', 8,
            'Horse M', 4, 2, '2', 5.5, 4, 6, 5);
    INSERT INTO ra_odds_statistics (cycle_started_at, duration_ms, races, bookmakers)
    VALUES ('2025-10-14T11:00:00Z', 900, 1, 3)"
migrate "$DB3" 0008
ORIG_STATE="SET search_path = original, public;
  SELECT string_agg(bookmaker_id || ' ' || bookmaker_name || ' ' || odds_decimal || ' '
                   || bookmaker_type || ' ' || jockey || ' ' || weight || ' ' || race_time, ', '
                   ORDER BY bookmaker_id) FROM ra_odds_live;
  SELECT string_agg(bookmaker_id || ' ' || to_char(observed_at AT TIME ZONE 'UTC', 'HH24:MI'), ', '
                    ORDER BY bookmaker_id, observed_at) FROM ra_odds_history;
  SELECT count(*), count(*) FILTER (WHERE bookmaker_id LIKE '%\_%'),
         string_agg(bookmaker_id || ' ' || name, ', ' ORDER BY bookmaker_id)
           FILTER (WHERE bookmaker_id IN ('spreadex', 'sportingindex', 'betvictor'))
    FROM ra_bookmakers;
  SELECT country, track, race_time, official_rating, weight, headgear, winning_distance, industry_sp
    FROM ra_odds_historical;
  SELECT fetch_timestamp = cycle_started_at, fetch_duration_ms, bookmaker_list FROM ra_odds_statistics"
ORIG_WANT="betvictor BetVictor 4.000 fixed J Rider 133 20:10:00, spreadex Spreadex 4.500 fixed J Rider 133 20:10:00
betvictor 11:00, spreadex 10:00, spreadex 11:00
38|0|betvictor BetVictor, sportingindex SportingIndex, spreadex Spreadex
IRE|LEICESTER|20:10:00|70|9-7|p|1|5.5000
t|900|{BetVictor,Spreadex}"
is "$DB3: populated database migrated: ids rewritten and merged, the original's views read it" "$DB3" \
   "$ORIG_STATE" "$ORIG_WANT"
ok "$DB3: 0008 runs again on its own result" "$DB3" \
   "BEGIN;
$(cat "$MIGRATIONS"/0008_*.sql)
;
COMMIT;"
is "$DB3: and changes nothing" "$DB3" "$ORIG_STATE" "$ORIG_WANT"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
