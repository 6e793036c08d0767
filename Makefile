# DarkHorses: the one build.  `make run` and `make test` are all a newcomer needs;
# see README.md.  Non-recursive: every rule is here.

CC      ?= cc
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
PKGS     = libpq jansson libcurl libcrypto

WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN    += -Werror
endif
ifdef SANITIZE
SAN      = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Debian's own hardening flags (dpkg-buildflags, hardening=+all): stack
# protector, _FORTIFY_SOURCE, relro and bind-now (PIE is the compiler's
# default); scripts/hardening.sh checks every program has them.
HARDEN      = DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get
HARDEN_CPPFLAGS := $(shell $(HARDEN) CPPFLAGS 2>/dev/null)
HARDEN_CFLAGS   := $(shell $(HARDEN) CFLAGS 2>/dev/null)
HARDEN_LDFLAGS  := $(shell $(HARDEN) LDFLAGS 2>/dev/null)

# Recursively expanded on purpose: pkg-config runs after the deps step.
ALL_CFLAGS = -std=c11 -D_DEFAULT_SOURCE -pthread $(HARDEN_CPPFLAGS) $(HARDEN_CFLAGS) -O2 -g $(WARN) -Ishared \
             -Ifcgi-api -MMD -MP $(shell pkg-config --cflags $(PKGS)) $(SAN) $(CFLAGS)
ALL_LDLIBS = $(shell pkg-config --libs $(PKGS)) -lfcgi -lm -pthread $(LDLIBS)
ALL_LDFLAGS = $(HARDEN_LDFLAGS) $(SAN) $(LDFLAGS)

LIBDH_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard shared/*.c))
API_OBJ    = $(patsubst %.c,$(BUILD)/%.o,$(filter-out fcgi-api/main.c,$(wildcard fcgi-api/*.c)))
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BINS       = $(BUILD)/bin/dh-api $(patsubst admin/%.c,$(BUILD)/bin/%,$(wildcard admin/*.c))

# The simulator (sim/: its HTTP front end in sim/front/, its world model in
# sim/world/) and the workers (workers/NAME/ -> dh-NAME), once they exist.
# Logic that unit tests need lives in shared/; these directories hold the
# programs.
SIM_OBJ    = $(patsubst %.c,$(BUILD)/%.o,$(wildcard sim/*.c sim/front/*.c sim/world/*.c))
WORKERS    = $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard workers/*/*.c)))))
BINS      += $(if $(SIM_OBJ),$(BUILD)/bin/dh-racing-sim) $(patsubst %,$(BUILD)/bin/dh-%,$(WORKERS))

# libFuzzer targets: clang, instrumented sources compiled in directly.
FUZZ_CC    = clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -Ishared -Ifcgi-api \
             $(shell pkg-config --cflags $(PKGS))
FUZZ_BIN   = $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES = $(patsubst $(BUILD)/fuzz/fuzz_%,%,$(FUZZ_BIN))
# Seeds beside tests/fuzz/corpus/NAME: the Racing API fixtures, not copies of them.
FUZZ_SEEDS_rapi = tests/fixtures/racing-api
FUZZ_TIME ?= 60

# Benchmarks in C (bench/*.c -> build/bench/NAME), run by make bench.
BENCH_BIN  = $(patsubst bench/%.c,$(BUILD)/bench/%,$(wildcard bench/*.c))

.PHONY: all deps test-deps run start stop status test unit fuzz bench bench-year lint install uninstall clean
.DEFAULT_GOAL := all

all: $(BINS) $(BUILD)/.hardened $(BUILD)/static/.version $(BUILD)/static/apidocs/.version

# Every program hardened as dpkg-buildflags says (scripts/hardening.sh).
$(BUILD)/.hardened: $(BINS) scripts/hardening.sh
	@scripts/hardening.sh $(BINS)
	@touch $@

# The dashboard with its assets named by version (scripts/assets.sh).
$(BUILD)/static/.version: scripts/assets.sh $(shell find static -type f)
	@scripts/assets.sh static $(BUILD)/static

# The API's docs pages, /docs and /redoc: Swagger UI and ReDoc from the npm
# packages apidocs/package-lock.json pins (scripts/apidocs.sh).
$(BUILD)/static/apidocs/.version: scripts/apidocs.sh scripts/npm.sh $(wildcard apidocs/*.json apidocs/*.html \
                                  apidocs/*.js apidocs/*.css) | deps
	@scripts/apidocs.sh apidocs $(BUILD)/static/apidocs

# Packages: what building and running need (deps), and for make test also
# what the tests need (test-deps: chromium, nodejs, clang, wrk, cmocka).
deps:
	@scripts/deps.sh run

test-deps:
	@scripts/deps.sh test

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libdh.a: $(LIBDH_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/libapi.a: $(API_OBJ)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/bin/dh-api: $(BUILD)/fcgi-api/main.o $(BUILD)/libapi.a $(BUILD)/libdh.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(SIM_OBJ): ALL_CFLAGS += -Isim/front -Isim/world

$(BUILD)/bin/dh-racing-sim: $(SIM_OBJ) $(BUILD)/libdh.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

define worker_rule
$(BUILD)/bin/dh-$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard workers/$(1)/*.c)) $(BUILD)/libdh.a
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(ALL_LDLIBS)
endef
$(foreach w,$(WORKERS),$(eval $(call worker_rule,$(w))))

$(BUILD)/bin/%: $(BUILD)/admin/%.o $(BUILD)/libdh.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(patsubst %.c,$(BUILD)/%.o,$(UNIT_SRC)): | test-deps

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(BUILD)/libapi.a $(BUILD)/libdh.a | test-deps
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS) -lcmocka

$(BENCH_BIN): $(BUILD)/bench/%: $(BUILD)/bench/%.o $(BUILD)/libdh.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(ALL_LDLIBS)

$(BUILD)/fuzz/fuzz_query: tests/fuzz/fuzz_query.c fcgi-api/query.c fcgi-api/route.c \
                          $(wildcard shared/*.c) | test-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(ALL_LDLIBS)

$(BUILD)/fuzz/fuzz_rapi: tests/fuzz/fuzz_rapi.c $(wildcard shared/*.c) | test-deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^) $(ALL_LDLIBS)

# Longer fuzzing than make test does: FUZZ_TIME seconds per target, seeded
# from tests/fuzz/corpus/NAME and FUZZ_SEEDS_NAME (libFuzzer reads several
# corpus directories and writes new inputs to the first).
fuzz: $(FUZZ_BIN)
	@set -e; $(foreach n,$(FUZZ_NAMES),mkdir -p $(BUILD)/fuzz/corpus-$(n); \
		$(BUILD)/fuzz/fuzz_$(n) -max_total_time=$(FUZZ_TIME) $(BUILD)/fuzz/corpus-$(n) \
		tests/fuzz/corpus/$(n) $(FUZZ_SEEDS_$(n));)

run: all
	@scripts/stack.sh run

start: all
	@scripts/stack.sh start

stop:
	@scripts/stack.sh stop

status:
	@scripts/stack.sh status

unit: $(UNIT_BIN)

test: test-deps all unit lint $(FUZZ_BIN)
	@tests/run

bench: all $(BENCH_BIN)
	@bench/run
	@bench/ingest
	@bench/push
	@for b in $(BENCH_BIN); do $$b || exit 1; done

# A year of data (issue 15): one day against DAYS days more (365 by default), side by side.
bench-year: all
	@bench/year $(if $(DAYS),--days $(DAYS))

lint:
	@scripts/lint.sh

# Binaries, migrations, the dashboard and example configs rendered for PREFIX
# (scripts/install.sh); never /etc.
install: all
	@DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" BUILD_BIN="$(BUILD)/bin" DH_API_LISTEN="$(DH_API_LISTEN)" \
	    DH_API_UPSTREAMS="$(DH_API_UPSTREAMS)" FCGI_WEB_SERVER_ADDRS="$(FCGI_WEB_SERVER_ADDRS)" \
	    DH_CORS_ORIGINS="$(DH_CORS_ORIGINS)" DH_SERVER_NAME="$(DH_SERVER_NAME)" \
	    DH_API_CACHE="$(DH_API_CACHE)" scripts/install.sh $(BINS)

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(BINS)))
	rm -rf $(DESTDIR)$(PREFIX)/share/darkhorses

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
