/*
 * Unit tests for shared/rapi_limit: slot arithmetic, and the shared state
 * file in a temporary directory, with two processes at once.
 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "rapi_limit.h"

static char dir[64];

static int
make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/dh-limit-XXXXXX");
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
remove_dir(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/%s", dir, RAPI_LIMIT_FILE);
	unlink(path);
	return rmdir(dir);
}

static void
test_slot_arithmetic(void **state)
{
	int64_t next;

	(void)state;
	/* Idle: the slot is now; the next one an interval later. */
	assert_long_equal(rapi_limit_slot(0, 10000, 500, &next), 10000);
	assert_long_equal(next, 10500);
	assert_long_equal(rapi_limit_slot(9000, 10000, 500, &next), 10000);
	assert_long_equal(next, 10500);
	/* Busy: queue behind the stored instant. */
	assert_long_equal(rapi_limit_slot(10500, 10000, 500, &next), 10500);
	assert_long_equal(next, 11000);
	assert_long_equal(rapi_limit_slot(next, 10000, 500, &next), 11000);
	assert_long_equal(next, 11500);
	/* Exactly at the edge of staleness still queues; past it resets. */
	assert_long_equal(rapi_limit_slot(10000 + RAPI_LIMIT_STALE_MS, 10000, 500, &next),
	    10000 + RAPI_LIMIT_STALE_MS);
	assert_long_equal(rapi_limit_slot(10001 + RAPI_LIMIT_STALE_MS, 10000, 500, &next), 10000);
	assert_long_equal(next, 10500);
}

static int64_t
read_state(void)
{
	char path[128], text[96] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, RAPI_LIMIT_FILE);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	return strtoll(text, NULL, 10);
}

static void
write_state(const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, RAPI_LIMIT_FILE);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Sequential acquires at 20/s are 50 ms apart; the file holds the next slot. */
static void
test_file_spacing(void **state)
{
	struct rapi_limit *l = rapi_limit_new(dir, 20.0);
	int64_t t0, t1;

	(void)state;
	assert_non_null(l);
	assert_true(rapi_limit_shared(l));
	write_state("");
	t0 = clock_mono_ms();
	for (int i = 0; i < 5; i++)
		assert_true(rapi_limit_acquire(l, NULL) >= 0);
	t1 = clock_mono_ms();
	assert_true(t1 - t0 >= 195);
	assert_true(t1 - t0 < 1000);
	assert_true(read_state() >= t0 + 250);
	assert_true(read_state() <= t1 + 50);
	rapi_limit_free(l);
}

/* Garbage or far-future state is taken as now. */
static void
test_file_bad_state(void **state)
{
	struct rapi_limit *l = rapi_limit_new(dir, 2.0);
	char text[32];

	(void)state;
	write_state("garbage\n");
	assert_true(rapi_limit_acquire(l, NULL) < 50);
	snprintf(text, sizeof(text), "%lld\n", (long long)(clock_mono_ms() + 2LL * RAPI_LIMIT_STALE_MS));
	write_state(text);
	assert_true(rapi_limit_acquire(l, NULL) < 50);
	rapi_limit_free(l);
}

/* An instant written during another boot is stale (the monotonic clock started again); this boot's holds. */
static void
test_file_other_boot(void **state)
{
	struct rapi_limit *l = rapi_limit_new(dir, 2.0);
	char boot[64] = "", text[128];
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	(void)state;
	if (f == NULL || fgets(boot, sizeof(boot), f) == NULL)
		skip();
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	snprintf(text, sizeof(text), "%lld 00000000-0000-0000-0000-000000000000\n",
	    (long long)(clock_mono_ms() + 5000));
	write_state(text);
	assert_true(rapi_limit_acquire(l, NULL) < 50);
	snprintf(text, sizeof(text), "%lld\n", (long long)(clock_mono_ms() + 5000));	/* the old format */
	write_state(text);
	assert_true(rapi_limit_acquire(l, NULL) < 50);
	/* This boot's instant 300 ms ahead is honoured. */
	snprintf(text, sizeof(text), "%lld %s\n", (long long)(clock_mono_ms() + 300), boot);
	write_state(text);
	assert_true(rapi_limit_acquire(l, NULL) >= 250);
	rapi_limit_free(l);
}

/* A deferral holds everyone back; the stop flag ends the wait at once. */
static void
test_defer_and_stop(void **state)
{
	struct rapi_limit *l = rapi_limit_new(dir, 100.0);
	volatile sig_atomic_t stop = 0;
	int64_t waited, t0;

	(void)state;
	write_state("");
	rapi_limit_defer(l, clock_mono_ms() + 300);
	waited = rapi_limit_acquire(l, NULL);
	assert_true(waited >= 250 && waited <= 400);
	/* An earlier deferral does not pull the instant back. */
	rapi_limit_defer(l, clock_mono_ms() - 1000);
	rapi_limit_defer(l, clock_mono_ms() + 5000);
	stop = 1;
	t0 = clock_mono_ms();
	assert_long_equal(rapi_limit_acquire(l, &stop), -1);
	assert_true(clock_mono_ms() - t0 < 150);
	assert_int_equal(rapi_limit_sleep(10, NULL), 0);
	rapi_limit_free(l);
}

/* Two processes taking 6 slots each at 20/s: 12 slots, >= 550 ms in all. */
static void
test_two_processes(void **state)
{
	int64_t t0 = clock_mono_ms(), elapsed;
	pid_t kids[2];

	(void)state;
	write_state("");
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0) {
			struct rapi_limit *l = rapi_limit_new(dir, 20.0);

			for (int i = 0; i < 6; i++)
				if (rapi_limit_acquire(l, NULL) < 0)
					_exit(1);
			rapi_limit_free(l);
			_exit(0);
		}
	}
	for (int k = 0; k < 2; k++) {
		int status;

		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	elapsed = clock_mono_ms() - t0;
	assert_true(elapsed >= 545);
	assert_true(read_state() >= t0 + 600);
}

/* No directory to write in: limited per process, still spaced. */
static void
test_no_file(void **state)
{
	struct rapi_limit *l = rapi_limit_new("/proc/no/such/dir", 20.0);
	int64_t t0 = clock_mono_ms();

	(void)state;
	assert_non_null(l);
	assert_false(rapi_limit_shared(l));
	for (int i = 0; i < 3; i++)
		rapi_limit_acquire(l, NULL);
	assert_true(clock_mono_ms() - t0 >= 95);
	rapi_limit_free(l);
	l = rapi_limit_new(NULL, 1000.0);
	assert_false(rapi_limit_shared(l));
	rapi_limit_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_arithmetic),
		cmocka_unit_test(test_file_spacing),
		cmocka_unit_test(test_file_bad_state),
		cmocka_unit_test(test_file_other_boot),
		cmocka_unit_test(test_defer_and_stop),
		cmocka_unit_test(test_two_processes),
		cmocka_unit_test(test_no_file),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
