/* Unit tests for shared/redact: no password survives into a log line. */
#include "testutil.h"

#include "redact.h"

static void
test_redact(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "postgresql://dh_writer:s3cret@db.example:5432/darkhorses",
		  "postgresql://***@db.example:5432/darkhorses" },
		{ "postgresql://dh_reader:pw@/darkhorses?host=/var/run/pg",
		  "postgresql://***@/darkhorses?host=/var/run/pg" },
		{ "postgres://u:p%40ss@h/db", "postgres://***@h/db" },
		{ "postgresql:///darkhorses?host=/x&user=postgres", "postgresql:///darkhorses?host=/x&user=postgres" },
		{ "postgresql://h/db?user=u&password=topsecret&sslmode=require",
		  "postgresql://h/db?user=u&password=***&sslmode=require" },
		{ "host=db user=dh password=hunter2 dbname=x", "host=db user=dh password=*** dbname=x" },
		{ "host=db password = 'it\\'s a' dbname=x", "host=db password=*** dbname=x" },
		{ "invalid URI: \"postgresql://a:b@[::1\"", "invalid URI: \"postgresql://***@[::1\"" },
		{ "password authentication failed for user \"dh_reader\"",
		  "password authentication failed for user \"dh_reader\"" },
		{ "https://user:pw@api.example/v1 and http://x/y", "https://***@api.example/v1 and http://x/y" },
		{ "", "" },
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		redact_secrets(cases[i].in, out, sizeof(out));
		assert_string_equal(out, cases[i].want);
	}
}

/* A short buffer truncates, always terminated, and never shows the secret. */
static void
test_redact_short(void **state)
{
	char out[20];

	(void)state;
	redact_secrets("postgresql://u:secretsecret@host/db", out, sizeof(out));
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_not_contains(out, "secret");
	redact_secrets("x", out, 1);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_redact_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
