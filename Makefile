# hchatd — build, run, test. See README.md.
#   make          build ./hchatd
#   make run      install what is missing, build, serve on :1234 with ./hchatd.conf
#   make check    install what tests need, build, run every test (also under ASan/UBSan)
#   make asan     the CppUnit suites alone against an AddressSanitizer/UBSan build
#   make bench    build the load generator, run the benchmarks (tools/bench/run.sh)
#   make fuzz     run each libFuzzer target FUZZ_SECONDS (default 300) on a copy of its corpus
#   make deps     install missing Debian packages (as root), else print the apt-get line
#   make install  install the binary, man page, configuration and systemd unit
#                 (PREFIX=/usr/local, DESTDIR; an existing configuration is kept)
#   make deb      a Debian package of this tree in build/deb/, checked by lintian

CXX      ?= g++
OPT      ?= -O2 -g
# A network daemon's hardening, as Debian builds its packages (the sanitizer
# build leaves it out: fortified calls would hide errors from ASan).
HARDEN   ?= -fstack-protector-strong -D_FORTIFY_SOURCE=2 -Wformat -Werror=format-security
LDHARDEN ?= -Wl,-z,relro,-z,now
CXXFLAGS += -std=c++17 -Wall -Wextra -Wpedantic $(OPT) $(HARDEN) -MMD -MP -Isrc
LDFLAGS  += $(LDHARDEN)
LIBS      = -lPocoUtil -lPocoJSON -lPocoNet -lPocoXML -lPocoDataSQLite -lPocoData -lPocoFoundation -lsqlite3 -lsodium -lhiredis -lssl -lcrypto -lpthread
TEST_LIBS = -lcppunit -lPocoNetSSL -lPocoCrypto

# Compile jobs for the targets below that build before they run (a fresh
# check compiles src/ twice: the normal and the sanitizer build).
JOBS     ?= $(shell nproc)
BUILD    ?= build
HCHATD   ?= hchatd
TESTBIN   = $(BUILD)/hchatd-tests

SOURCES   = $(shell find src -name '*.cpp' ! -name main.cpp | sort)
OBJECTS   = $(SOURCES:%.cpp=$(BUILD)/%.o) $(BUILD)/gen/EmbeddedFiles.o
TEST_SRC  = $(shell find tests/unit tests/integration tests/support -name '*.cpp' | sort) tests/TestMain.cpp
TEST_BUILD ?= $(BUILD)
TEST_OBJ  = $(TEST_SRC:%.cpp=$(TEST_BUILD)/%.o)
# The tests' own code is compiled without optimizing (half the time; what
# they test, src/, keeps OPT) and without the hardening of shipped code.
TEST_OPT ?= -O0 -g
$(TEST_OBJ): OPT = $(TEST_OPT)
$(TEST_OBJ): HARDEN =
HTML      = $(sort $(wildcard html/*))

# Packages: to build, to test (browser tests need chromium and node/npm).
BUILD_PACKAGES = g++ make libpoco-dev libssl-dev libcppunit-dev libsqlite3-dev libsodium-dev libhiredis-dev
TEST_PACKAGES  = chromium nodejs npm clang libclang-rt-14-dev openssl systemd sqlite3 logrotate irssi tmux redis-server haproxy nginx-light libnginx-mod-stream $(DEB_PACKAGES)
BENCH_PACKAGES = nginx-light libnginx-mod-nchan ngircd redis-server
DEB_PACKAGES   = debhelper dpkg-dev lintian

LOADGEN_SRC = $(sort $(wildcard tools/loadgen/*.cpp))
LOADGEN     = $(BUILD)/tools/hchat-load
FILL        = $(BUILD)/tools/hchatd-fill

# libFuzzer targets (clang, with ASan and UBSan): one per parser of client bytes.
FUZZ_TARGETS = $(patsubst tests/fuzz/%.cpp,build-fuzz/%,$(wildcard tests/fuzz/*Fuzz.cpp))
FUZZ_SRC     = src/util/Utf8.cpp src/util/TextRule.cpp src/line/LineReader.cpp \
               src/line/LineCommand.cpp src/http/WebSocketCodec.cpp src/http/NextPoll.cpp \
               src/http/RequestValues.cpp src/http/Router.cpp src/http/HttpError.cpp \
               src/chat/Nickname.cpp src/chat/IdGenerator.cpp src/irc/IrcMessage.cpp \
               src/net/ProxyHeader.cpp src/net/AddressRange.cpp src/store/RedisNews.cpp \
               src/store/RedisRecords.cpp src/model/Message.cpp src/model/Crowd.cpp \
               src/model/RoomRecord.cpp src/util/JsonWriter.cpp
FUZZ_FLAGS   = -std=c++17 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Isrc
FUZZ_SECONDS ?= 300

# Installation (SPEC §13). The configuration is always under SYSCONFDIR
# (/etc), the state under STATEDIR, whatever PREFIX.
PREFIX      ?= /usr/local
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SYSCONFDIR  ?= /etc
STATEDIR    ?= /var/lib/hchatd

.PHONY: FORCE install deb deb-deps all run check asan asan-build bench bench-deps deps test-deps clean format fuzz fuzz-build

all: $(HCHATD)

$(HCHATD): $(BUILD)/src/main.o $(OBJECTS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(TESTBIN): $(TEST_OBJ) $(OBJECTS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# make does not see flags change: the objects depend on a file that holds
# them, rewritten only when they differ (a new OPT or HARDEN rebuilds all).
# Taken once, here, so the tests' own OPT (below) cannot change what is written.
FLAGS_FILE  = $(BUILD)/compile-flags
ALL_FLAGS  := $(CXX) $(CXXFLAGS) $(LDFLAGS) tests: $(TEST_OPT)
$(FLAGS_FILE): FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(ALL_FLAGS)' | cmp -s - $@ || printf '%s\n' '$(ALL_FLAGS)' > $@
FORCE:

$(BUILD)/%.o: %.cpp $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -Itests -c -o $@ $<

$(BUILD)/tools/embed: tools/embed/embed.cpp
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O1 -o $@ $<

$(BUILD)/gen/EmbeddedFiles.cpp: $(HTML) $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(HTML)

$(LOADGEN): $(LOADGEN_SRC) $(wildcard tools/loadgen/*.h)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -Wall -Wextra -O2 -o $@ $(LOADGEN_SRC) -lssl -lcrypto

$(FILL): $(BUILD)/tools/fill/fill.o $(OBJECTS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/gen/EmbeddedFiles.o: $(BUILD)/gen/EmbeddedFiles.cpp $(FLAGS_FILE)
	$(CXX) $(CXXFLAGS) -c -o $@ $<

# Installs only what is missing; without root it prints the command instead.
deps:
	@tools/install-packages.sh $(BUILD_PACKAGES)

test-deps: deps
	@tools/install-packages.sh $(TEST_PACKAGES)
	@cd tests/e2e && { { [ -d node_modules/playwright-core ] && [ -d node_modules/axe-core ]; } || npm ci --no-audit --no-fund --loglevel=error; }
	@$(MAKE) --no-print-directory $(PROMTOOL)

# promtool, to check GET /metrics, from Debian's prometheus package: taken
# out of the .deb, not installed (the package would start a Prometheus).
PROMTOOL = $(BUILD)/tools/promtool
$(PROMTOOL):
	@mkdir -p $(BUILD)/tools/prometheus
	@cd $(BUILD)/tools/prometheus && { apt-get download -q=2 prometheus 2>/dev/null || \
	  { apt-get update -qq && apt-get download -q=2 prometheus; }; } && \
	  dpkg-deb -x prometheus_*.deb root && cp root/usr/bin/promtool ../promtool && rm -rf root prometheus_*.deb

run: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	@mkdir -p var
	./$(HCHATD) -c hchatd.conf

# The benchmark's tools are built too, so that a change that breaks them
# fails here and not at the next make bench.
check: test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all $(TESTBIN) asan-build fuzz-build $(LOADGEN) $(FILL)
	@tests/run-all.sh ./$(HCHATD) $(TESTBIN) --with-asan

# The sources they share are compiled once, not once per target.
FUZZ_OBJ = $(FUZZ_SRC:%.cpp=build-fuzz/obj/%.o)
.SECONDARY: $(FUZZ_OBJ)
build-fuzz/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	clang++ $(FUZZ_FLAGS) -MMD -MP -c -o $@ $<

build-fuzz/%: tests/fuzz/%.cpp $(FUZZ_OBJ)
	clang++ $(FUZZ_FLAGS) -MMD -MP -o $@ $< $(FUZZ_OBJ) -lPocoJSON -lPocoNet -lPocoFoundation

fuzz-build: $(FUZZ_TARGETS)

# Each target on a copy of its seed corpus (the repository's stays as it is).
fuzz: test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) fuzz-build
	@tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

asan: test-deps
	@$(MAKE) --no-print-directory -j$(JOBS) asan-build
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  tests/run-all.sh build-asan/hchatd build-asan/hchatd-tests --no-e2e

# At -O0: it compiles in 3 min 44 s against 8 min 21 s at -O1, and its
# suites run as fast (4 min 17 s), the daemon waiting on sockets mostly.
# The tests' own objects are the normal build's, not instrumented: what the
# sanitizers check is src/ (in the daemon and in the suites), and compiling
# the tests again took 3 min of a fresh check.
asan-build: $(TEST_OBJ)
	@$(MAKE) --no-print-directory BUILD=build-asan HCHATD=build-asan/hchatd HARDEN= \
	  OPT="-O0 -g -fsanitize=address,undefined -fno-omit-frame-pointer" TEST_BUILD=$(BUILD) \
	  LDFLAGS="-fsanitize=address,undefined" build-asan/hchatd build-asan/hchatd-tests

# The peers the benchmarks compare against, from Debian: nginx with nchan,
# ngircd, and redis-server for the several-nodes rows. The bench starts its
# own ngircd and Redis; the system's (the packages start them, ngircd on
# port 6667, hchatd's irc.port) are stopped and disabled where systemd runs.
bench-deps: deps
	@tools/install-packages.sh --no-recommends $(BENCH_PACKAGES)
	@for unit in ngircd redis-server; do \
	  if [ "$$(id -u)" = 0 ] && [ -d /run/systemd/system ] && \
	    systemctl is-enabled --quiet $$unit 2>/dev/null; then \
	    systemctl disable --now $$unit; fi; done

# Bounded in time (about 25 minutes), 127.0.0.1 only; results in build/bench/bench.json.
bench: bench-deps
	@$(MAKE) --no-print-directory -j$(JOBS) all $(LOADGEN) $(FILL)
	@tools/bench/run.sh ./$(HCHATD) $(LOADGEN) $(FILL) $(BUILD)/bench

# The shipped hchatd.conf with the installed layout's paths: the database in
# STATEDIR, the control socket in the unit's RuntimeDirectory, no pid file
# (systemd tracks the process).
install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/hchatd
	install -m 755 $(HCHATD) $(DESTDIR)$(SBINDIR)/hchatd
	install -m 644 man/hchatd.8 $(DESTDIR)$(MANDIR)/man8/hchatd.8
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  contrib/systemd/hchatd.service.in > $(DESTDIR)$(UNITDIR)/hchatd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/hchatd.service
	install -m 644 contrib/systemd/hchatd.sysusers $(DESTDIR)$(SYSUSERSDIR)/hchatd.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/logrotate.d
	@rotate=$(DESTDIR)$(SYSCONFDIR)/logrotate.d/hchatd; \
	if [ -e $$rotate ]; then echo "kept $$rotate as it is"; \
	else install -m 644 contrib/logrotate/hchatd $$rotate; fi
	@conf=$(DESTDIR)$(SYSCONFDIR)/hchatd/hchatd.conf; \
	if [ -e $$conf ]; then echo "kept $$conf as it is (the shipped one is hchatd.conf)"; \
	else sed -e '1s|.*|# $(SYSCONFDIR)/hchatd/hchatd.conf: the configuration of the hchatd service.|' \
	  -e 's|^store.path = .*|store.path = $(STATEDIR)/hchatd.db|' \
	  -e 's|^daemon.pidFile = .*|daemon.pidFile =|' \
	  -e 's|^control.socket = .*|control.socket = /run/hchatd/hchatd.sock|' hchatd.conf > $$conf && chmod 644 $$conf && \
	  echo "installed $$conf"; fi

# A Debian package (debian/): dpkg-buildpackage without a pre-clean, so what
# `make` built is used as it is (debian/rules builds with the same flags);
# the .deb, .buildinfo and .changes land in build/deb/ (not in ..).
deb-deps: deps
	@tools/install-packages.sh --no-recommends $(DEB_PACKAGES)

deb: deb-deps
	@mkdir -p build/deb
	@v=$$(dpkg-parsechangelog -S Version) a=$$(dpkg --print-architecture); \
	dpkg-buildpackage -b -us -uc -nc --buildinfo-option=-ubuild/deb --changes-option=-ubuild/deb \
	  --buildinfo-file=build/deb/hchatd_$${v}_$$a.buildinfo --changes-file=build/deb/hchatd_$${v}_$$a.changes && \
	lintian --fail-on error build/deb/hchatd_$${v}_$$a.changes && \
	echo "built build/deb/hchatd_$${v}_$$a.deb"

format:
	clang-format -i $$(find src tests tools -name '*.cpp' -o -name '*.h')

clean:
	rm -rf build build-asan build-fuzz $(HCHATD) debian/hchatd debian/.debhelper debian/files \
	  debian/*.substvars debian/*.debhelper debian/debhelper-build-stamp

-include $(shell find $(BUILD) build-fuzz -name '*.d' 2>/dev/null)
