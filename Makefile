# quire — one non-recursive GNU Makefile. `make run` and `make test` do everything.
VERSION   := 0.1.0
CC        ?= cc
PKGS      := yaml-0.1 md4c-html libseccomp nettle sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN      := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DQUIRE_VERSION='"$(VERSION)"' $(WARN) $(CFLAGS) \
             -Isrc -Ibuild $(PKG_CFLAGS) -pthread
LDLIBS    := $(PKG_LIBS) -pthread -lm
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
EMOJI_TXT ?= /usr/share/unicode/emoji/emoji-test.txt
PORT      ?= 8080
MICROCACHE ?= 0
PREFIX    ?= /usr/local

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:src/%.c=build/obj/%.o)
SAN_OBJS := $(SRCS:src/%.c=build/asan/%.o)
TSAN_OBJS := $(SRCS:src/%.c=build/tsan/%.o)
LIB_OBJS := $(filter-out build/obj/main.o,$(OBJS))
LIB_SAN_OBJS := $(filter-out build/asan/main.o,$(SAN_OBJS))
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/*_test.c))

.PHONY: all asan deps deps-run run test test-tsan golden-regen bench bench-layout soak clean
all: build/quire

deps:
	@sh deploy/install-deps.sh test

deps-run:
	@sh deploy/install-deps.sh run

build/emoji-table.h: src/emoji-table.sh $(EMOJI_TXT)
	@mkdir -p build
	sh src/emoji-table.sh $(EMOJI_TXT) > $@.tmp && mv $@.tmp $@

build/obj/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/obj
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/asan
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -MMD -MP -c $< -o $@

build/tsan/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/tsan
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -MMD -MP -c $< -o $@

build/quire: $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/asan/quire: $(SAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/tsan/quire: $(TSAN_OBJS)
	$(CC) $(ALL_CFLAGS) $(TSAN_FLAGS) -o $@ $^ $(LDLIBS)

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

TEST_BINS := build/quire build/asan/quire build/tsan/quire build/tests/mustache_spec build/tests-asan/mustache_spec \
             build/tests/highlight_tool \
             build/bench/layout_bench build/bench/render_bench build/bench/search_bench build/bench/bare_fcgi \
             $(UNIT_TESTS:%=build/tests/%) $(UNIT_TESTS:%=build/tests-asan/%)

# Built two at a time: the machines have two cores, and the build is a third of the run.
test: deps
	@$(MAKE) -s -j2 --no-print-directory $(TEST_BINS) fuzz-build
	@sh tests/run.sh

# Only the ThreadSanitizer runs (make test runs them too).
test-tsan: deps
	@$(MAKE) -s --no-print-directory build/tsan/quire
	@sh tests/run.sh tsan

# Regenerate the golden files after checking the change by eye.
golden-regen: build/quire
	@sh tests/golden-regen.sh

run: deps-run
	@$(MAKE) --no-print-directory build/quire
	@MICROCACHE=$(MICROCACHE) sh deploy/run.sh $(PORT)

# Benchmarks against nginx static and a bare libfcgi responder; appends to tests/bench/RESULTS.md.
bench: deps build/quire build/bench/bare_fcgi build/bench/layout_bench build/bench/render_bench \
       build/bench/markdown_bench build/bench/search_bench build/bench/render_corpus_bench
	@./build/bench/layout_bench conf/quire.yaml
	@./build/bench/markdown_bench
	@/usr/bin/python3 tests/bench/bench.py

build/bench/bare_fcgi: tests/bench/bare_fcgi.c
	@mkdir -p build/bench
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $< $$(pkg-config --cflags --libs fcgi) -pthread

build/bench/render_bench: tests/bench/render_bench.c $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/bench/search_bench: tests/bench/search_bench.c $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/bench/markdown_bench: tests/bench/markdown_bench.c tests/bench/markdown_shapes.h $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

build/bench/render_corpus_bench: tests/bench/render_corpus_bench.c $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

build/bench/layout_bench: tests/bench/layout_bench.c $(LIB_OBJS)
	@mkdir -p build/bench
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

# The layout against md4c on the first post: the layout should cost less.
# make soak: the soak alone for SOAK_SECONDS (10 minutes) after SOAK_WARMUP seconds of the
# same load, results into tests/bench/RESULTS.md.
SOAK_SECONDS ?= 600
SOAK_WARMUP ?= 300
soak: deps build/quire
	@BENCH_SOAK_SECONDS=$(SOAK_SECONDS) BENCH_SOAK_WARMUP=$(SOAK_WARMUP) \
		/usr/bin/python3 tests/bench/bench.py soak

bench-layout: build/bench/layout_bench
	@./build/bench/layout_bench conf/quire.yaml

clean:
	rm -rf build

-include $(OBJS:.o=.d) $(SAN_OBJS:.o=.d) $(TSAN_OBJS:.o=.d)

# --- install, uninstall, shared hosting (deploy/) ---
BINDIR      ?= $(PREFIX)/sbin
DATADIR     ?= $(PREFIX)/share/quire
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALL     ?= install
# The paths the deployment files name, made the installed ones.
FIX_PATHS = sed -e 's|/usr/local/sbin/quire|$(BINDIR)/quire|g' -e 's|/usr/local/share/quire|$(DATADIR)|g'

.PHONY: install uninstall shared-hosting
install: build/quire
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/conf/layouts $(DESTDIR)$(DATADIR)/conf/static \
	    $(DESTDIR)$(DATADIR)/deploy/nginx $(DESTDIR)$(DATADIR)/deploy/apache \
	    $(DESTDIR)$(DATADIR)/deploy/shared-hosting $(DESTDIR)$(DATADIR)/deploy/systemd \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	$(INSTALL) -m 755 build/quire $(DESTDIR)$(BINDIR)/quire
	$(FIX_PATHS) deploy/man/quire.8 > $(DESTDIR)$(MANDIR)/man8/quire.8
	$(FIX_PATHS) deploy/man/quire.yaml.5 > $(DESTDIR)$(MANDIR)/man5/quire.yaml.5
	$(INSTALL) -m 644 deploy/systemd/quire.yaml $(DESTDIR)$(DATADIR)/conf/quire.yaml
	$(INSTALL) -m 644 conf/layouts/*.mustache $(DESTDIR)$(DATADIR)/conf/layouts/
	$(INSTALL) -m 644 conf/static/* $(DESTDIR)$(DATADIR)/conf/static/
	$(INSTALL) -m 644 deploy/nginx/*.conf $(DESTDIR)$(DATADIR)/deploy/nginx/
	$(INSTALL) -m 644 deploy/apache/quire.conf $(DESTDIR)$(DATADIR)/deploy/apache/
	$(INSTALL) -m 644 deploy/shared-hosting/* $(DESTDIR)$(DATADIR)/deploy/shared-hosting/
	$(INSTALL) -m 644 deploy/systemd/quire-tcp.conf $(DESTDIR)$(DATADIR)/deploy/systemd/
	$(FIX_PATHS) deploy/systemd/quire.service > $(DESTDIR)$(UNITDIR)/quire.service
	chmod 644 $(DESTDIR)$(MANDIR)/man8/quire.8 $(DESTDIR)$(MANDIR)/man5/quire.yaml.5 $(DESTDIR)$(UNITDIR)/quire.service
	$(INSTALL) -m 644 deploy/systemd/quire.socket $(DESTDIR)$(UNITDIR)/quire.socket
	$(INSTALL) -m 644 deploy/systemd/quire-sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/quire.conf

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/quire $(DESTDIR)$(MANDIR)/man8/quire.8 \
	    $(DESTDIR)$(MANDIR)/man5/quire.yaml.5 $(DESTDIR)$(UNITDIR)/quire.service \
	    $(DESTDIR)$(UNITDIR)/quire.socket $(DESTDIR)$(SYSUSERSDIR)/quire.conf
	rm -rf $(DESTDIR)$(DATADIR)

# A folder to upload to shared hosting: quire.fcgi, .htaccess, conf/, posts/, lib/.
# libyaml, libseccomp, nettle and SQLite are linked in (Debian ships their .a files); Debian
# has no static md4c, so its parser's library goes in lib/, found through $ORIGIN/lib
# (quire writes HTML with its own renderer: libmd4c-html is for the tests alone).
# The host needs Linux on x86-64 with glibc 2.34 or later, nothing else.
SH := build/shared-hosting
shared-hosting: $(OBJS)
	rm -rf $(SH) && mkdir -p $(SH)/lib $(SH)/conf/layouts $(SH)/conf/static $(SH)/posts
	$(CC) $(ALL_CFLAGS) -o $(SH)/quire.fcgi $(OBJS) -Wl,-Bstatic -lyaml -lseccomp -lnettle -lsqlite3 -Wl,-Bdynamic \
	    -lmd4c -pthread -lm -ldl -Wl,--disable-new-dtags -Wl,-rpath,'$$ORIGIN/lib'
	cp -L $$($(CC) -print-file-name=libmd4c.so.0) $(SH)/lib/
	cp deploy/shared-hosting/htaccess $(SH)/.htaccess
	cp deploy/shared-hosting/quire.yaml $(SH)/conf/quire.yaml
	cp conf/layouts/*.mustache $(SH)/conf/layouts/
	cp conf/static/* $(SH)/conf/static/
	cp posts/*.md $(SH)/posts/
	chmod -R u=rwX,go=rX $(SH)
	@echo "Upload the contents of $(SH)/ (with .htaccess) to your web space; see deploy/shared-hosting/README.md."


# libFuzzer targets (tests/fuzz/): quire's objects built again with clang, ASan and UBSan.
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_TARGETS:%=build/fuzz/%)
FUZZ_OBJS    := $(filter-out build/fuzz/obj/main.o,$(SRCS:src/%.c=build/fuzz/obj/%.o))
FUZZ_SECONDS ?= 3600
FUZZ_MAXLEN_fuzz_frontmatter := 70000
FUZZ_MAXLEN_fuzz_path        := 8192
FUZZ_MAXLEN_fuzz_template    := 8192
FUZZ_MAXLEN_fuzz_post        := 65536
FUZZ_MAXLEN_fuzz_request     := 4096
FUZZ_MAXLEN_fuzz_saved       := 65536
FUZZ_MAXLEN_fuzz_config      := 16384
FUZZ_MAXLEN_fuzz_fcgi        := 65536
FUZZ_MAXLEN_fuzz_preview     := 2048
FUZZ_MAXLEN_fuzz_range       := 4096
FUZZ_MAXLEN_fuzz_query       := 1024
FUZZ_MAXLEN_fuzz_manifest    := 8192
FUZZ_MAXLEN_fuzz_render      := 16384
FUZZ_MAXLEN_fuzz_imagesize   := 70000
FUZZ_MAXLEN_fuzz_attr        := 4096
FUZZ_MAXLEN_fuzz_footnote    := 16384
FUZZ_MAXLEN_fuzz_smart       := 16384
FUZZ_MAXLEN_fuzz_highlight   := 16384

build/fuzz/obj/%.o: src/%.c build/emoji-table.h
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) $(ALL_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c $< -o $@

build/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(ALL_CFLAGS) -DFUZZ_ROOT='"$(CURDIR)"' -fsanitize=fuzzer $(FUZZ_SAN) \
		-o $@ $< $(FUZZ_OBJS) $(LDLIBS)

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

# make fuzz: each target until FUZZ_RUNS executions (10 million) or FUZZ_SECONDS (an hour),
# one after another, from its seeds and what earlier runs found (FUZZ_CORPUS/TARGET, where
# new inputs go); crashes go to build/fuzz/crashes/, each target's figures to
# tests/bench/RESULTS.md. FUZZ_ONLY="fuzz_a fuzz_b" runs some of them.
FUZZ_RUNS    ?= 10000000
FUZZ_CORPUS  ?= build/fuzz/corpus
FUZZ_ONLY    ?= $(FUZZ_TARGETS)
fuzz: $(FUZZ_ONLY:%=build/fuzz/%)
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_CORPUS=$(FUZZ_CORPUS) \
		sh tests/fuzz/long.sh $(foreach t,$(FUZZ_ONLY),$(t):$(or $(FUZZ_MAXLEN_$(t)),4096))

-include $(FUZZ_OBJS:.o=.d)
