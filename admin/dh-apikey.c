/*
 * dh-apikey: API keys for the admin endpoints (/api/db-health/...).
 *
 *   dh-apikey create NAME   makes a random key, prints it once, stores only its SHA-256
 *   dh-apikey list          the keys: id, name, created, last used, revoked
 *   dh-apikey revoke ID     revokes a key (it stops working at once)
 *
 * Clients send the key as `Authorization: Bearer <key>`.  Connects with
 * DATABASE_MIGRATE_URL, else DATABASE_URL, else the embedded cluster under
 * DH_VAR_DIR as its admin role (the way `make run` made it).  Exit 0 on
 * success, 1 on failure, 64 on a usage error, 78 on a configuration error.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "cfg.h"
#include "db.h"
#include "digest.h"
#include "log.h"

#define APIKEY_SECRET_BYTES 32
#define APIKEY_ID_BYTES     6

static const char sql_insert[] =
    "INSERT INTO dh_api_keys (key_id, name, key_hash) VALUES ($1, $2, $3)";

static const char sql_list[] =
    "SELECT key_id, name, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS created,"
    "       coalesce(to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-') AS last_used,"
    "       coalesce(to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), '-') AS revoked"
    "  FROM dh_api_keys ORDER BY created_at, key_id";

static const char sql_revoke[] =
    "UPDATE dh_api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL";

static int
usage(void)
{
	fprintf(stderr, "usage: dh-apikey create NAME | list | revoke ID\n");
	return 64;
}

/* n random bytes as lowercase hex into out (2n + 1 bytes).  0 or -1. */
static int
apikey_random_hex(size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char bytes[64];
	size_t got = 0;

	if (n > sizeof(bytes))
		return -1;
	while (got < n) {
		ssize_t r = getrandom(bytes + got, n - got, 0);

		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0)
			got += (size_t)r;
	}
	for (size_t i = 0; i < n; i++) {
		out[i * 2] = digits[bytes[i] >> 4];
		out[i * 2 + 1] = digits[bytes[i] & 15];
	}
	out[n * 2] = '\0';
	explicit_bzero(bytes, sizeof(bytes));
	return 0;
}

/* The URL to use: the settings, else the embedded cluster's admin socket. */
static const char *
apikey_url(const struct cfg *cfg, char *buf, size_t buflen)
{
	const char *url = getenv("DATABASE_MIGRATE_URL");
	char var[PATH_MAX], sock[PATH_MAX + 16];
	struct stat st;

	if (url != NULL && *url != '\0')
		return url;
	if (cfg->database_url != NULL)
		return cfg->database_url;
	if (realpath(cfg->var_dir, var) == NULL)
		return NULL;
	snprintf(sock, sizeof(sock), "%s/run/pg", var);
	if (stat(sock, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	if (snprintf(buf, buflen, "postgresql:///darkhorses?host=%s&user=postgres", sock) >= (int)buflen)
		return NULL;
	return buf;
}

static int
apikey_create(struct db *db, const char *name)
{
	char secret[APIKEY_SECRET_BYTES * 2 + 1], key[sizeof(secret) + 8];
	char id_hex[APIKEY_ID_BYTES * 2 + 1], id[sizeof(id_hex) + 8], hash[DIGEST_SHA256_HEX_LEN + 1];
	const char *params[3] = { id, name, hash };
	int rc = 0;

	if (name[0] == '\0' || strlen(name) > 200) {
		fprintf(stderr, "dh-apikey: NAME must be 1 to 200 characters\n");
		return 64;
	}
	if (apikey_random_hex(APIKEY_SECRET_BYTES, secret) < 0 ||
	    apikey_random_hex(APIKEY_ID_BYTES, id_hex) < 0) {
		log_error("could not read random bytes: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	snprintf(key, sizeof(key), "dhk_%s", secret);
	snprintf(id, sizeof(id), "key_%s", id_hex);
	if (digest_sha256_hex(key, strlen(key), hash) < 0) {
		log_error("could not hash the key (libcrypto)");
		rc = 1;
		goto out;
	}
	if (db_command(db, sql_insert, 3, params) < 0) {
		log_error("could not store the key: %s", db_error(db));
		rc = 1;
		goto out;
	}
	printf("%s\n", key);
	fprintf(stderr, "dh-apikey: created %s (\"%s\"); the key above is shown only once.\n"
	    "Use it as: Authorization: Bearer <key>\n", id, name);
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(secret, sizeof(secret));
	return rc;
}

static int
apikey_list(struct db *db)
{
	PGresult *res = db_exec(db, sql_list, 0, NULL);

	if (res == NULL) {
		log_error("could not list the keys: %s", db_error(db));
		return 1;
	}
	printf("%-18s %-24s %-17s %-17s %s\n", "ID", "NAME", "CREATED (UTC)", "LAST USED", "REVOKED");
	for (int i = 0; i < PQntuples(res); i++)
		printf("%-18s %-24s %-17s %-17s %s\n", db_value(res, i, "key_id"), db_value(res, i, "name"),
		    db_value(res, i, "created"), db_value(res, i, "last_used"), db_value(res, i, "revoked"));
	PQclear(res);
	return 0;
}

static int
apikey_revoke(struct db *db, const char *id)
{
	const char *params[1] = { id };
	PGresult *res = db_exec(db, sql_revoke, 1, params);
	int rc = 1;

	if (res == NULL) {
		log_error("could not revoke %s: %s", id, db_error(db));
		return 1;
	}
	if (strcmp(PQcmdTuples(res), "1") == 0) {
		fprintf(stderr, "dh-apikey: revoked %s\n", id);
		rc = 0;
	} else {
		fprintf(stderr, "dh-apikey: no unrevoked key %s\n", id);
	}
	PQclear(res);
	return rc;
}

int
main(int argc, char **argv)
{
	char err[512], urlbuf[PATH_MAX + 64];
	struct cfg cfg;
	const char *url;
	struct db *db;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "list") == 0 ? argc != 2 : argc != 3))
		return usage();
	if (strcmp(argv[1], "create") != 0 && strcmp(argv[1], "list") != 0 &&
	    strcmp(argv[1], "revoke") != 0)
		return usage();
	if (cfg_load(&cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "dh-apikey: %s\n", err);
		return CFG_EXIT_CONFIG;
	}
	log_init("dh-apikey", cfg.log_level);
	cfg_log_unused();
	url = apikey_url(&cfg, urlbuf, sizeof(urlbuf));
	if (url == NULL) {
		fprintf(stderr, "dh-apikey: set DATABASE_MIGRATE_URL or DATABASE_URL "
		    "(or start the embedded cluster with make start)\n");
		return CFG_EXIT_CONFIG;
	}
	db = db_new(url, "dh-apikey", NULL);
	if (db == NULL || db_ensure(db) < 0) {
		log_error("%s", db ? db_error(db) : "out of memory");
		db_free(db);
		return 1;
	}
	if (strcmp(argv[1], "create") == 0)
		rc = apikey_create(db, argv[2]);
	else if (strcmp(argv[1], "list") == 0)
		rc = apikey_list(db);
	else
		rc = apikey_revoke(db, argv[2]);
	db_free(db);
	return rc;
}
