# The one build file. `make` builds build/screendesk; every habit is a target below.
SHELL   := /bin/bash
CC      ?= cc
BUILD   ?= build
OPT     ?= -O2 -g
PKGS     = libmicrohttpd libcjson sqlite3 libsodium libpq
# libpq is not linked: src/store/pq.c loads it when a PostgreSQL URL is opened.
LINKED   = libmicrohttpd libcjson sqlite3 libsodium
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
           -Werror
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen
CFLAGS   = -std=c11 $(WARN) $(OPT) $(shell pkg-config --cflags $(PKGS))
LDLIBS   = $(shell pkg-config --libs $(LINKED)) -lpthread -lm
PYTHON   = /usr/bin/python3
FUZZ_SECONDS ?= 60

SRCS   := $(sort $(filter-out src/main.c,$(wildcard src/*/*.c)))
OBJS   := $(SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/schema_sqlite.o \
          $(BUILD)/obj/gen/schema_postgres.o $(BUILD)/obj/gen/web_css.o $(BUILD)/obj/gen/web_js.o \
          $(BUILD)/obj/gen/web_icon.o
LIB    := $(BUILD)/libscreendesk.a
BIN    := $(BUILD)/screendesk
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# The migrations of each backend, in order.
SCHEMA_sqlite := $(sort $(wildcard src/store/schema/sqlite/*.sql))
SCHEMA_postgres := $(sort $(wildcard src/store/schema/postgres/*.sql))
C_FILES = $(shell find src tests/unit fuzz bench -name '*.[ch]' 2>/dev/null)
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
REPLAY_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/fuzz_%)
FUZZ_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined

.PHONY: all deps run test unit unit-postgres api asan fuzz fuzz-bins fuzz-replay format format-check lint bench bench-scaling \
	clean

all: $(BIN)

deps:
	@sh scripts/install-deps.sh

# A backend's migrations embedded in the binary. The list of their names is rewritten only
# when it changes: a migration removed or renamed makes the file again, as one added or edited
# does.
SCHEMA_C := $(BUILD)/gen/schema_sqlite.c $(BUILD)/gen/schema_postgres.c
$(SCHEMA_C:.c=.list): $(BUILD)/gen/schema_%.list: FORCE
	@mkdir -p $(@D)
	@echo '$(SCHEMA_$*)' | cmp -s - $@ 2>/dev/null || echo '$(SCHEMA_$*)' > $@

$(BUILD)/gen/schema_sqlite.c: $(SCHEMA_sqlite)
$(BUILD)/gen/schema_postgres.c: $(SCHEMA_postgres)
$(SCHEMA_C): $(BUILD)/gen/schema_%.c: $(BUILD)/gen/schema_%.list scripts/embed-sql.sh
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh store_$*_migrations $(SCHEMA_$*) > $@

FORCE:

$(BUILD)/gen/web_css.c: src/web/assets/app.css scripts/embed-asset.sh
	@mkdir -p $(@D)
	sh scripts/embed-asset.sh web_asset_css_text $< > $@

$(BUILD)/gen/web_js.c: src/web/assets/app.js scripts/embed-asset.sh
	@mkdir -p $(@D)
	sh scripts/embed-asset.sh web_asset_js_text $< > $@

$(BUILD)/gen/web_icon.c: src/web/assets/icon.svg scripts/embed-asset.sh
	@mkdir -p $(@D)
	sh scripts/embed-asset.sh web_asset_icon_text $< > $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(OBJS)
	rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/main.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(shell pkg-config --cflags cmocka) \
		-o $@ $< $(LIB) $(LDLIBS) $(shell pkg-config --libs cmocka libpq)

run: deps $(BIN)
	$(BIN) serve --db sqlite:screendesk.db --demo

test: deps
	$(MAKE) $(BIN) $(UNIT_BINS) $(REPLAY_BINS)
	$(MAKE) fuzz-replay unit api
	sh scripts/with-postgres.sh $(MAKE) unit-postgres api

# The store's unit tests again, on the PostgreSQL that SCREENDESK_TEST_DB names.
unit-postgres: $(BUILD)/tests/test_store_store
	$(BUILD)/tests/test_store_store

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

api: $(BIN)
	cd tests/api && SCREENDESK_BIN=$(abspath $(BIN)) $(PYTHON) -m pytest -q -p no:cacheprovider .

asan: deps
	$(MAKE) BUILD=build-asan CC=clang \
		OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		fuzz-replay unit api
	sh scripts/with-postgres.sh $(MAKE) BUILD=build-asan CC=clang \
		OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		unit-postgres api

$(BUILD)/fuzz-replay/fuzz_%: fuzz/fuzz_%.c fuzz/replay.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes -o $@ $< fuzz/replay.c $(LIB) $(LDLIBS)

fuzz-replay: $(REPLAY_BINS)
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(BUILD)/fuzz-replay/fuzz_$$t fuzz/corpus/$$t fuzz/regression/$$t; done

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDLIBS)

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

fuzz: deps
	$(MAKE) BUILD=build-fuzz CC=clang OPT="$(FUZZ_FLAGS)" fuzz-bins
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p build-fuzz/corpus/$$t fuzz/regression/$$t; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
			-artifact_prefix=fuzz/regression/$$t/ build-fuzz/corpus/$$t fuzz/corpus/$$t \
			2>&1 | tail -n 2; \
		test $${PIPESTATUS[0]:-0} -eq 0; done

format:
	clang-format -i $(C_FILES)

format-check:
	clang-format --dry-run --Werror $(C_FILES)

lint: $(SCHEMA_C)
	@! grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|strtok)\s*\(' $(C_FILES) \
		|| (echo "banned call found" >&2; exit 1)
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--suppress=missingIncludeSystem -Isrc src
	clang-tidy --quiet $(SRCS) src/main.c -- $(CPPFLAGS) -std=c11 \
		$(shell pkg-config --cflags $(PKGS))

clean:
	rm -rf build build-asan build-fuzz

-include $(OBJS:.o=.d) $(BUILD)/obj/main.d

bench: deps $(BIN)
	bash bench/run.sh

bench-scaling: deps $(BIN)
	bash bench/scaling.sh
