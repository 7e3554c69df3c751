# quire — one non-recursive GNU Makefile. `make run` and `make test` do everything.
VERSION   := 0.1.0
CC        ?= cc
PKGS      := fcgi yaml-0.1 md4c-html
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DQUIRE_VERSION='"$(VERSION)"' $(WARN) $(CFLAGS) \
             -Isrc -Ibuild $(PKG_CFLAGS) -pthread
LDLIBS    := $(PKG_LIBS) -pthread -lm
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
EMOJI_TXT ?= /usr/share/unicode/emoji/emoji-test.txt
PORT      ?= 8080
MICROCACHE ?= 0
PREFIX    ?= /usr/local

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
SAN_OBJS := $(SRCS:src/%.c=build/asan/%.o)
LIB_OBJS := $(filter-out build/obj/main.o,$(OBJS))
LIB_SAN_OBJS := $(filter-out build/asan/main.o,$(SAN_OBJS))
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/*_test.c))

.PHONY: all asan deps run test golden-regen bench bench-layout clean
all: build/quire

deps:
	@sh deploy/install-deps.sh

build/emoji-table.h: src/emoji-table.sh $(EMOJI_TXT)
	@mkdir -p build
	sh src/emoji-table.sh $(EMOJI_TXT) > $@.tmp && mv $@.tmp $@

build/obj/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/obj
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

build/quire: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/quire: $(SAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

asan: build/asan/quire

# Unit tests link the library objects; each prints PASS/FAIL lines.
build/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/tests-asan/%: tests/unit/%.c $(LIB_SAN_OBJS)
	@mkdir -p build/tests-asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/tests/mustache_spec: tests/mustache_spec.c $(LIB_OBJS)
	@mkdir -p build/tests
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/tests-asan/mustache_spec: tests/mustache_spec.c $(LIB_SAN_OBJS)
	@mkdir -p build/tests-asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

TEST_BINS := build/quire build/asan/quire build/tests/mustache_spec build/tests-asan/mustache_spec \
             build/bench/layout_bench build/bench/bare_fcgi \
             $(UNIT_TESTS:%=build/tests/%) $(UNIT_TESTS:%=build/tests-asan/%)

test: deps
	@$(MAKE) -s --no-print-directory $(TEST_BINS)
	@sh tests/run.sh

# Regenerate the golden files after checking the change by eye.
golden-regen: build/quire
	@sh tests/golden-regen.sh

run: deps
	@$(MAKE) --no-print-directory build/quire
	@MICROCACHE=$(MICROCACHE) sh deploy/run.sh $(PORT)

# Benchmarks against nginx static and a bare libfcgi responder; appends to tests/bench/RESULTS.md.
bench: deps build/quire build/bench/bare_fcgi build/bench/layout_bench
	@./build/bench/layout_bench conf/quire.yaml
	@/usr/bin/python3 tests/bench/bench.py

build/bench/bare_fcgi: tests/bench/bare_fcgi.c
	@mkdir -p build/bench
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $< $$(pkg-config --cflags --libs fcgi) -pthread

build/bench/layout_bench: tests/bench/layout_bench.c $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The layout against md4c on the first post: the layout should cost less.
bench-layout: build/bench/layout_bench
	@./build/bench/layout_bench conf/quire.yaml

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d)
