/*
 * Unit tests for shared/push: channel names, and the publisher thread
 * against a small nchan stand-in on a unix socket (a thread answering 201,
 * or 500 when told to fail): numbering (id, seq, epoch), order, failures
 * counted, a resync to every channel used when nchan takes messages again,
 * the resync at a channel's first use, timed messages and their cancelling,
 * a message queued as text.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "push.h"

#define FAKE_MAX 64

static struct {
	int             fd;
	char            path[108];
	volatile int    failing;	/* answer 500 */
	volatile int    stop;
	pthread_t       thread;
	pthread_mutex_t lock;
	int             n;
	char            channel[FAKE_MAX][PUSH_CHANNEL_MAX];
	json_t         *body[FAKE_MAX];
} fake;

/* Serves one keep-alive connection: requests until the peer closes. */
static void
fake_conn(int c)
{
	char buf[65536];
	size_t have = 0;

	for (;;) {
		char *end = NULL, *cl;
		ssize_t n;
		long len;

		while ((end = memmem(buf, have, "\r\n\r\n", 4)) == NULL) {
			if ((n = read(c, buf + have, sizeof(buf) - have - 1)) <= 0)
				return;
			have += (size_t)n;
		}
		buf[have] = '\0';
		cl = strcasestr(buf, "Content-Length:");
		len = cl != NULL ? strtol(cl + 15, NULL, 10) : 0;
		while ((size_t)(end + 4 - buf) + (size_t)len > have) {
			if ((n = read(c, buf + have, sizeof(buf) - have - 1)) <= 0)
				return;
			have += (size_t)n;
			end = memmem(buf, have, "\r\n\r\n", 4);
		}
		pthread_mutex_lock(&fake.lock);
		if (!fake.failing && fake.n < FAKE_MAX) {
			char *path = strchr(buf, ' ') + 1;

			sscanf(path, "/pub/%79s", fake.channel[fake.n]);
			fake.body[fake.n] = json_loadb(end + 4, (size_t)len, 0, NULL);
			fake.n++;
		}
		pthread_mutex_unlock(&fake.lock);
		{
			const char *answer = fake.failing
			    ? "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n"
			    : "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}";

			if (write(c, answer, strlen(answer)) < 0)
				return;
		}
		have -= (size_t)(end + 4 - buf) + (size_t)len;
		memmove(buf, end + 4 + len, have);
	}
}

static void *
fake_conn_main(void *arg)
{
	int c = (int)(intptr_t)arg;

	fake_conn(c);
	close(c);
	return NULL;
}

/* Each connection in a thread of its own: the publisher keeps several open. */
static void *
fake_main(void *arg)
{
	(void)arg;
	while (!fake.stop) {
		int c = accept(fake.fd, NULL, NULL);
		pthread_t t;

		if (c < 0)
			continue;
		if (pthread_create(&t, NULL, fake_conn_main, (void *)(intptr_t)c) != 0) {
			close(c);
			continue;
		}
		pthread_detach(t);
	}
	return NULL;
}

static int
fake_start(void **state)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	(void)state;
	memset(&fake, 0, sizeof(fake));
	snprintf(fake.path, sizeof(fake.path), "/tmp/dh-test-push-%d.sock", (int)getpid());
	unlink(fake.path);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", fake.path);
	fake.fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fake.fd >= 0);
	assert_int_equal(bind(fake.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fake.fd, 8), 0);
	pthread_mutex_init(&fake.lock, NULL);
	assert_int_equal(pthread_create(&fake.thread, NULL, fake_main, NULL), 0);
	return 0;
}

static int
fake_stop(void **state)
{
	(void)state;
	fake.stop = 1;
	shutdown(fake.fd, SHUT_RDWR);
	close(fake.fd);
	pthread_join(fake.thread, NULL);
	unlink(fake.path);
	for (int i = 0; i < fake.n; i++)
		json_decref(fake.body[i]);
	return 0;
}

/* Waits up to 5 s for the stand-in to have taken n messages. */
static int
fake_wait(int n)
{
	for (int i = 0; i < 500; i++) {
		int have;

		pthread_mutex_lock(&fake.lock);
		have = fake.n;
		pthread_mutex_unlock(&fake.lock);
		if (have >= n)
			return have;
		usleep(10000);
	}
	return fake.n;
}

static const char *
fake_type(int i)
{
	return json_string_value(json_object_get(fake.body[i], "type"));
}

static long
fake_seq(int i)
{
	return (long)json_integer_value(json_object_get(fake.body[i], "seq"));
}

static void
test_channel_names(void **state)
{
	(void)state;
	assert_true(push_channel_valid("board"));
	assert_true(push_channel_valid("race-rac_11745861"));
	assert_true(push_channel_valid("race-a.b-c_D9"));
	assert_false(push_channel_valid("race-"));
	assert_false(push_channel_valid("race-a/b"));
	assert_false(push_channel_valid("race-a b"));
	assert_false(push_channel_valid("boards"));
	assert_false(push_channel_valid("../board"));
	assert_false(push_channel_valid("race-0123456789012345678901234567890123456789012345678901234567890123456789"));
}

static void
test_publish_fail_resync(void **state)
{
	struct push *p = push_new(fake.path, 0);
	struct push_stats s;
	char id[64];

	(void)state;
	assert_non_null(p);
	assert_int_equal(push_send(p, "board", json_pack("{s:s, s:i}", "type", "board", "n", 1)), 0);
	assert_int_equal(push_send(p, "race-r1", json_pack("{s:s, s:i}", "type", "prices", "n", 2)), 0);
	assert_int_equal(fake_wait(2), 2);
	/* Two channels go out side by side (several senders): in either order. */
	assert_true((strcmp(fake.channel[0], "board") == 0 && strcmp(fake.channel[1], "race-r1") == 0) ||
	    (strcmp(fake.channel[1], "board") == 0 && strcmp(fake.channel[0], "race-r1") == 0));
	assert_int_equal(fake_seq(0), 1);
	assert_int_equal(fake_seq(1), 1);
	snprintf(id, sizeof(id), "%lld-1", (long long)json_integer_value(json_object_get(fake.body[0], "epoch")));
	assert_string_equal(json_string_value(json_object_get(fake.body[0], "id")), id);
	assert_non_null(json_object_get(fake.body[0], "timestamp"));
	assert_int_equal(push_send(p, "bad channel", json_object()), -1);

	/* nchan refuses: counted, nothing retried. */
	fake.failing = 1;
	push_send(p, "race-r1", json_pack("{s:s, s:i}", "type", "prices", "n", 3));
	for (int i = 0; i < 500; i++) {
		push_get_stats(p, &s);
		if (s.failed > 0)
			break;
		usleep(10000);
	}
	assert_int_equal(s.failed, 1);
	assert_int_equal(s.published, 2);
	assert_int_equal(s.dropped, 1);

	/* Back: a resync to each channel used, then the message. */
	fake.failing = 0;
	push_send(p, "race-r1", json_pack("{s:s, s:i}", "type", "prices", "n", 4));
	assert_int_equal(fake_wait(5), 5);
	assert_string_equal(fake.channel[2], "board");
	assert_string_equal(fake_type(2), "resync");
	assert_int_equal(fake_seq(2), 2);
	assert_string_equal(fake.channel[3], "race-r1");
	assert_string_equal(fake_type(3), "resync");
	assert_int_equal(fake_seq(3), 3);	/* seq 2 went with the failure: a gap the client sees */
	assert_string_equal(fake_type(4), "prices");
	assert_int_equal(json_integer_value(json_object_get(fake.body[4], "n")), 4);
	push_free(p, 1000);
}

static void
test_resync_at_start_and_timed(void **state)
{
	struct push *p = push_new(fake.path, 1);

	(void)state;
	assert_non_null(p);
	/* A timed message in the future, cancelled; one due now goes at once. */
	push_at(p, "board", json_pack("{s:s}", "type", "stage"), clock_now() + 3600, "rac_1");
	push_cancel(p, "rac_1");
	push_at(p, "board", json_pack("{s:s}", "type", "stage"), clock_now() - 1, "rac_2");
	assert_int_equal(fake_wait(2), 2);
	assert_string_equal(fake_type(0), "resync");
	assert_string_equal(fake_type(1), "stage");
	assert_int_equal(fake_seq(1), 2);
	push_send(p, "board", json_pack("{s:s}", "type", "board"));
	assert_int_equal(fake_wait(3), 3);
	assert_string_equal(fake_type(2), "board");	/* the resync only once */
	usleep(100000);
	assert_int_equal(fake.n, 3);

	/* push_open: the first-use resync ahead, once; the first message then goes alone. */
	assert_int_equal(push_open(p, "race-o"), 0);
	assert_int_equal(fake_wait(4), 4);
	assert_string_equal(fake.channel[3], "race-o");
	assert_string_equal(fake_type(3), "resync");
	push_open(p, "race-o");
	push_open(p, "board");
	push_send(p, "race-o", json_pack("{s:s}", "type", "prices"));
	assert_int_equal(fake_wait(5), 5);
	assert_string_equal(fake_type(4), "prices");
	assert_int_equal(fake_seq(4), 2);
	usleep(100000);
	assert_int_equal(fake.n, 5);
	push_free(p, 1000);
}

/* Many messages to a few channels: each channel's in the order queued, seq 1, 2, ... */
static void
test_order_per_channel(void **state)
{
	struct push *p = push_new(fake.path, 0);
	const char *channels[3] = { "board", "race-a", "race-b" };
	long last_n[3] = { 0, 0, 0 }, last_seq[3] = { 0, 0, 0 };

	(void)state;
	assert_non_null(p);
	for (int i = 0; i < 60; i++)
		assert_int_equal(push_send(p, channels[i % 3], json_pack("{s:s, s:i}", "type", "x", "n", i)), 0);
	assert_int_equal(fake_wait(60), 60);
	for (int i = 0; i < 60; i++) {
		int k = strcmp(fake.channel[i], "board") == 0 ? 0 : strcmp(fake.channel[i], "race-a") == 0 ? 1 : 2;
		long n = (long)json_integer_value(json_object_get(fake.body[i], "n"));

		assert_int_equal(n % 3, k);
		assert_true(last_seq[k] == 0 || n > last_n[k]);
		assert_int_equal(fake_seq(i), last_seq[k] + 1);
		last_n[k] = n;
		last_seq[k] = fake_seq(i);
	}
	push_free(p, 1000);
}

/* A message queued as text: its own fields and the sender's (id, seq, epoch, timestamp); not an object: dropped. */
static void
test_send_text(void **state)
{
	struct push *p = push_new(fake.path, 0);
	struct push_stats st;

	(void)state;
	assert_non_null(p);
	assert_int_equal(push_send_text(p, "race-a", strdup("{\"type\":\"prices\",\"prices\":[{\"decimal\":2.5}]}")), 0);
	assert_int_equal(push_send_text(p, "race-a", strdup("{}")), 0);
	assert_int_equal(push_send_text(p, "race-a", strdup("[1]")), -1);
	assert_int_equal(push_send_text(p, "race-a", NULL), -1);
	assert_int_equal(fake_wait(2), 2);
	assert_non_null(fake.body[0]);
	assert_string_equal(fake_type(0), "prices");
	assert_true(json_real_value(json_object_get(json_array_get(json_object_get(fake.body[0], "prices"), 0),
	    "decimal")) == 2.5);
	assert_int_equal(fake_seq(0), 1);
	assert_int_equal(fake_seq(1), 2);
	assert_non_null(json_string_value(json_object_get(fake.body[1], "id")));
	assert_non_null(json_string_value(json_object_get(fake.body[1], "timestamp")));
	assert_true(json_integer_value(json_object_get(fake.body[1], "epoch")) > 0);
	assert_int_equal(json_object_size(fake.body[1]), 4);
	push_get_stats(p, &st);
	assert_int_equal(st.dropped, 2);
	push_free(p, 1000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channel_names),
		cmocka_unit_test_setup_teardown(test_publish_fail_resync, fake_start, fake_stop),
		cmocka_unit_test_setup_teardown(test_resync_at_start_and_timed, fake_start, fake_stop),
		cmocka_unit_test_setup_teardown(test_order_per_channel, fake_start, fake_stop),
		cmocka_unit_test_setup_teardown(test_send_text, fake_start, fake_stop),
	};

	assert_int_equal(http_global_init(), 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
