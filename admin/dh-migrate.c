/*
 * dh-migrate: applies sql/migrations/NNNN_name.sql in order, each in its own
 * transaction, and records it in schema_migrations with a checksum.  Safe to
 * run twice and from two hosts at once (an advisory lock serialises them).
 *
 *   dh-migrate [--check] [--dir DIR]
 *
 * --check changes nothing: exit 0 when every migration is applied, 1 naming
 * those that are not (an API-only host, which has no schema owner's
 * credentials, checks instead of migrating).
 *
 * Without --dir: $DH_MIGRATIONS_DIR, else the installed migrations beside
 * the executable (BIN/../share/darkhorses/sql/migrations, as `make install`
 * lays them out), else sql/migrations (the source tree).
 *
 * Connects with DATABASE_MIGRATE_URL, else DATABASE_URL: a role that owns
 * the schema (and may create roles, for 0001).  Exit 0 when the schema is
 * current, 1 on failure, 78 on a configuration error.
 */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "log.h"

#define MIGRATE_LOCK_KEY "431316893697"	/* advisory lock key of dh-migrate */
#define MIGRATE_MAX_FILES 512
#define MIGRATE_MAX_SIZE  (4 * 1024 * 1024)

static const char sql_create_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  version    text PRIMARY KEY,"
    "  name       text NOT NULL DEFAULT '',"
    "  checksum   text NOT NULL DEFAULT '',"
    "  applied_at timestamptz NOT NULL DEFAULT now())";

/* The migrations directory when --dir is not given (see the top). */
static const char *
migrate_default_dir(char *buf, size_t buflen)
{
	const char *env = getenv("DH_MIGRATIONS_DIR");
	char exe[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (snprintf(buf, buflen, "%s/../share/darkhorses/sql/migrations", dirname(exe)) < (int)buflen &&
		    stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return buf;
	}
	return "sql/migrations";
}

static int
migrate_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A migration file name: four digits, '_', a name, ".sql". */
static int
migrate_is_file(const char *name)
{
	size_t n = strlen(name);

	return n > 9 && strspn(name, "0123456789") == 4 && name[4] == '_' &&
	    strcmp(name + n - 4, ".sql") == 0;
}

static int
migrate_read(const char *path, struct buf *b)
{
	char chunk[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		log_error("could not open \"%s\": %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(b, chunk, n) < 0) {
			log_error("\"%s\" is larger than %d bytes", path, MIGRATE_MAX_SIZE);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* FNV-1a 64: enough to notice a migration edited after it was applied. */
static void
migrate_checksum(const struct buf *b, char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < b->len; i++) {
		h ^= (unsigned char)b->data[i];
		h *= 0x100000001b3ULL;
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

/*
 * Applies one file unless recorded (only reports it when !apply).  Returns 1
 * applied (or missing), 0 recorded already, -1 failed.
 */
static int
migrate_one(struct db *db, const char *dir, const char *file, int apply)
{
	char path[PATH_MAX + NAME_MAX + 80], version[5], sum[17];
	const char *params[3] = { version, file, sum };
	struct buf b;
	PGresult *res;
	const char *recorded;
	int rc = -1;

	memcpy(version, file, 4);
	version[4] = '\0';
	buf_init(&b, MIGRATE_MAX_SIZE);
	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
		log_error("path too long: \"%s/%s\"", dir, file);
		goto out;
	}
	if (migrate_read(path, &b) < 0)
		goto out;
	migrate_checksum(&b, sum);

	res = db_exec(db, "SELECT checksum FROM schema_migrations WHERE version = $1", 1, params);
	if (res == NULL) {
		log_error("could not read schema_migrations: %s", db_error(db));
		goto out;
	}
	recorded = PQntuples(res) > 0 ? db_value(res, 0, "checksum") : NULL;
	if (PQntuples(res) > 0) {
		if (recorded != NULL && recorded[0] != '\0' && strcmp(recorded, sum) != 0)
			log_warn("migration %s changed since it was applied (checksum %s, now %s); "
			    "write a new migration instead", file, recorded, sum);
		PQclear(res);
		rc = 0;
		goto out;
	}
	PQclear(res);
	if (!apply) {
		log_warn("migration %s is not applied", file);
		rc = 1;
		goto out;
	}

	if (db_begin(db) < 0 || db_script(db, buf_str(&b)) < 0 ||
	    db_command(db, "INSERT INTO schema_migrations (version, name, checksum)"
		" VALUES ($1, $2, $3)", 3, params) < 0 ||
	    db_commit(db) < 0) {
		log_error("migration %s failed: %s", file, db_error(db));
		db_rollback(db);
		goto out;
	}
	log_info("applied migration %s", file);
	rc = 1;
out:
	buf_free(&b);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL, *url;
	char *files[MIGRATE_MAX_FILES], dirbuf[PATH_MAX + 64];
	size_t nfiles = 0;
	int applied = 0, status = 1, check = 0;
	struct dirent *de;
	struct cfg cfg;
	char err[512];
	struct db *db;
	DIR *d;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--check") == 0) {
			check = 1;
		} else {
			fprintf(stderr, "usage: dh-migrate [--check] [--dir DIR]\n");
			return 64;
		}
	}
	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-migrate: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-migrate", cfg.log_level);
	cfg_log_unused();
	if (dir == NULL)
		dir = migrate_default_dir(dirbuf, sizeof(dirbuf));
	url = getenv("DATABASE_MIGRATE_URL");
	if (url == NULL || *url == '\0')
		url = cfg.database_url;
	if (url == NULL) {
		fprintf(stderr, "dh-migrate: set DATABASE_MIGRATE_URL or DATABASE_URL\n");
		return CFG_EXIT_CONFIG;
	}

	d = opendir(dir);
	if (d == NULL) {
		log_error("could not open migrations directory \"%s\": %s", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL && nfiles < MIGRATE_MAX_FILES)
		if (migrate_is_file(de->d_name) && (files[nfiles] = strdup(de->d_name)) != NULL)
			nfiles++;
	closedir(d);
	qsort(files, nfiles, sizeof(files[0]), migrate_cmp);

	db = db_new(url, "dh-migrate", NULL);
	if (db == NULL || db_ensure(db) < 0) {
		log_error("%s", db ? db_error(db) : "out of memory");
		goto out;
	}
	if (!check && (db_command(db, "SELECT pg_advisory_lock($1::bigint)", 1,
		(const char *[]){ MIGRATE_LOCK_KEY }) < 0 ||
	    db_command(db, sql_create_table, 0, NULL) < 0)) {
		log_error("could not prepare schema_migrations: %s", db_error(db));
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		int rc = migrate_one(db, dir, files[i], !check);

		if (rc < 0)
			goto out;
		applied += rc;
	}
	if (check && applied > 0) {
		log_error("schema is behind: %d of %zu migrations not applied; run dh-migrate with "
		    "the schema owner (DATABASE_MIGRATE_URL)", applied, nfiles);
		goto out;
	}
	if (check)
		log_info("schema is current: %zu migrations", nfiles);
	else
		log_info("schema is current: %zu migrations, %d applied now", nfiles, applied);
	status = 0;
out:
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	db_free(db);
	return status;
}
