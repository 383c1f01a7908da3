# edudx: plain Makefile, pkg-config for every library.
#   make demo    install packages, build, create a demo store, serve on :8080
#   make check   install test needs, build, run every suite
#   make asan    the whole suite under AddressSanitizer + UBSan
#   make bench   benchmarks (figures, not pass/fail)

PKGS := libmicrohttpd jansson libsodium sqlite3 libpq libutf8proc zlib cairo pangocairo libqrencode libcrypto libzstd libzip xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

BUILD ?= build
OPT ?= -O2 -g
SAN ?=
JOBS ?= 2
CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS_ALL := -D_DEFAULT_SOURCE -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
CFLAGS_ALL := -std=c11 $(OPT) $(SAN) $(WARN) -fno-strict-aliasing -MMD -MP $(CFLAGS)
LDLIBS_ALL := $(PKG_LIBS) -lpthread -lm $(LDLIBS)

SRC := $(shell find src -name '*.c' | LC_ALL=C sort)
LIB_SRC := $(filter-out src/cli/main.c,$(SRC))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embed.o
MAIN_OBJ := $(BUILD)/src/cli/main.o

EMBED := $(sort $(wildcard src/store/migrations/*.sql)) $(shell find web -type f | LC_ALL=C sort) docs/openapi.json \
    $(sort $(wildcard docs/schemas/*.json)) $(wildcard src/credentials/*.dict) data/awards/rules.json
EMBED_PAIRS := $(foreach f,$(EMBED),$(if $(filter src/store/%,$(f)),$(f:src/store/%=%),$(if $(filter docs/%,$(f)),$(f:docs/%=%),$(f)))=$(f))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all demo check asan bench lint fmt clean deps test-bins unit
.DEFAULT_GOAL := all

all: $(BUILD)/edudx

$(BUILD)/edudx: $(MAIN_OBJ) $(BUILD)/libedudx.a
	$(CC) $(OPT) $(SAN) -o $@ $(MAIN_OBJ) $(BUILD)/libedudx.a $(LDLIBS_ALL)

$(BUILD)/libedudx.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $(LIB_OBJ)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/embed.c: $(EMBED) scripts/embed.sh Makefile
	@mkdir -p $(dir $@)
	scripts/embed.sh $@ $(EMBED_PAIRS)

$(BUILD)/gen/embed.o: $(BUILD)/gen/embed.c
	$(CC) $(CPPFLAGS_ALL) -std=c11 $(OPT) $(SAN) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libedudx.a
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $$(pkg-config --cflags cmocka) -o $@ $< $(BUILD)/libedudx.a $(LDLIBS_ALL) $$(pkg-config --libs cmocka)

test-bins: $(BUILD)/edudx $(UNIT_BIN)

deps:
	scripts/deps.sh build

demo:
	scripts/deps.sh build
	$(MAKE) -j$(JOBS) all
	scripts/demo.sh

check:
	scripts/deps.sh test
	$(MAKE) -j$(JOBS) test-bins
	BUILD=$(BUILD) tests/run.sh

asan:
	scripts/deps.sh test
	$(MAKE) -j$(JOBS) BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined" test-bins
	BUILD=build-asan EDX_ASAN=1 tests/run.sh

bench:
	scripts/deps.sh bench
	$(MAKE) -j$(JOBS) all
	BUILD=$(BUILD) bench/run.sh

lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability --inline-suppr \
	    -Isrc -I$(BUILD)/gen '-Djson_array_foreach(a,i,v)=for(i=0;(v=json_array_get(a,i));i++)' \
	    '-Djson_object_foreach(o,k,v)=for(k=0,v=0;k;)' src
	clang-tidy --quiet $(SRC) -- $(CPPFLAGS_ALL) -std=c11 2>/dev/null

fmt:
	clang-format -i $(SRC) $(shell find src -name '*.h') tests/unit/*.c

clean:
	rm -rf build build-asan

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
