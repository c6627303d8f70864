# pymemlab - the one entry point.  `make help` lists the commands.
#
# Builds live under build/<variant>/ (rel: -O2; asan: AddressSanitizer +
# UBSan; debug: -O0 for gdb).  A layer is chapter code: the reference in
# solutions/NN-slug/, the learner's in skeletons/NN-slug/ (or SUBMISSION=dir).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD      := build
SUBMISSION ?= skeletons
STACK      ?=
CH         ?=
VARIANT    ?= rel
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

CHAPTERS := $(sort $(notdir $(wildcard solutions/[0-9][0-9]-*)))

CC       ?= cc
CFLAGS_COMMON := -std=gnu11 -Wall -Wextra -g -fno-omit-frame-pointer -Iinclude -Igrader/lib
CFLAGS_rel    := -O2
CFLAGS_debug  := -O0
CFLAGS_asan   := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS_rel   :=
LDFLAGS_debug :=
LDFLAGS_asan  := -fsanitize=address,undefined

# pkg-config is asked only when a recipe needs it, so that `make help` and
# `make deps` work on a machine that has none of the libraries yet.
pc = $(shell pkg-config $(1) $(2) 2>/dev/null)
GVC_CFLAGS   = $(call pc,--cflags,libgvc libcgraph)
GVC_LIBS     = $(call pc,--libs,libgvc libcgraph)
CHECK_CFLAGS = $(call pc,--cflags,check)
CHECK_LIBS   = $(call pc,--libs,check)
JSON_CFLAGS  = $(call pc,--cflags,jansson)
JSON_LIBS    = $(call pc,--libs,jansson)
XML_CFLAGS   = $(call pc,--cflags,libxml-2.0)
XML_LIBS     = $(call pc,--libs,libxml-2.0)

HEADERS      := $(wildcard include/*.h)
RUNTIME_SRC  := $(wildcard runtime/*.c)
RUNTIME_HDRS := $(wildcard runtime/*.h)
GRADER_SRC   := $(wildcard grader/pmgrade/*.c)
SUITE_HDRS   := $(wildcard grader/suites/*/*.h grader/suites/*/*.inc grader/traces/*.h grader/lib/*.h)

# Resolve CH=01 (or CH=01-refcount) to the chapter's slug.
ifneq ($(CH),)
CH_SLUG := $(firstword $(filter $(CH)%,$(CHAPTERS)))
endif

# ---------------------------------------------------------------- help ---
.PHONY: help
help:
	@echo "pymemlab - rebuild CPython's memory management in C, one layer at a time"
	@echo
	@echo "  make grade              grade your work (skeletons/), every chapter; CH=01 for one"
	@echo "  make grade SUBMISSION=dir   grade a folder laid out like skeletons/ (instructors)"
	@echo "  make grade STACK=mine   the final exam: every layer yours, none from the reference"
	@echo "  make run SCRIPT=f.py    run a scenario on your layers (STACK=ref: the reference)"
	@echo "  make replay TRACE=f     replay an allocation trace through your allocator (chapter 2)"
	@echo "  make bench              the reference allocator against CPython's, glibc's and mimalloc"
	@echo "  make debug CH=01 TEST=name  one test, no fork, under gdb"
	@echo "  make watch CH=01        re-grade on every save"
	@echo "  make book               the book, in build/book/ (open index.html)"
	@echo "  make test               the project's own test suite"
	@echo "  make deps               install the Debian packages everything needs"
	@echo "  make clean              remove build/"
	@echo
	@echo "Chapters: $(CHAPTERS)"

# ---------------------------------------------------------------- deps ---
.PHONY: deps deps-ensure
deps:
	@bash tools/deps.sh install

deps-ensure:
	@bash tools/deps.sh ensure

# ------------------------------------------------- layer object lists ---
REF_OBJ = $(patsubst solutions/%.c,$(BUILD)/$(1)/ref/%.o,$(wildcard $(foreach c,$(CHAPTERS),solutions/$(c)/*.c)))
REF_OBJ_EXCEPT = $(patsubst solutions/%.c,$(BUILD)/$(1)/ref/%.o,$(wildcard $(foreach c,$(filter-out $(2),$(CHAPTERS)),solutions/$(c)/*.c)))
# Under AddressSanitizer the other chapters run on the C library's malloc
# instead of the reference pymalloc: ASan sees a use-after-free only in
# memory it hands out itself, not inside a pool.
ASAN_KEEPS_MALLOC := 02-pymalloc
SUITE_REF_EXCLUDE = $(CH_SLUG) $(if $(filter asan,$(VARIANT)),$(filter-out $(CH_SLUG),$(ASAN_KEEPS_MALLOC)))
SUITE_OBJ = $(patsubst grader/suites/%.c,$(BUILD)/$(1)/suites/%.o,$(wildcard grader/suites/$(2)/*.c))

# ------------------------------------------------------- object rules ---
# $(1) = variant.  Runtime objects, the suite framework and the reference
# layers are compiled once per variant.
define VARIANT_RULES
RT_OBJ_$(1) := $$(patsubst runtime/%.c,$(BUILD)/$(1)/runtime/%.o,$$(RUNTIME_SRC))

$(BUILD)/$(1)/runtime/%.o: runtime/%.c $$(HEADERS) $$(RUNTIME_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) $$(GVC_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/libpmruntime.a: $$(RT_OBJ_$(1))
	@rm -f $$@
	ar rcs $$@ $$^

$(BUILD)/$(1)/pmtest.o: grader/lib/pmtest.c grader/lib/pmtest.h $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) $$(CHECK_CFLAGS) $$(JSON_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/pmcount.o: grader/lib/pmcount.c grader/lib/pmcount.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/pmscenarios.o: grader/lib/pmscenarios.c grader/lib/pmscenarios.h grader/lib/pmtest.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/scenarios/%.o: $(BUILD)/scenarios/%.c grader/lib/pmscenarios.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/ref/%.o: solutions/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) -c $$< -o $$@

$(BUILD)/$(1)/suites/%.o: grader/suites/%.c grader/lib/pmtest.h $$(SUITE_HDRS) $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/main/%.o: runtime/main/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) -c $$< -o $$@

# The reference stack: every layer from solutions/ (under ASan, without
# the reference pymalloc; see ASAN_KEEPS_MALLOC).
REF_STACK_$(1) := $$(call REF_OBJ_EXCEPT,$(1),$$(if $$(filter asan,$(1)),$$(ASAN_KEEPS_MALLOC)))
$(BUILD)/$(1)/ref/bin/%: $(BUILD)/$(1)/main/%.o $$(REF_STACK_$(1)) $(BUILD)/$(1)/libpmruntime.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS_$(1)) -o $$@ $$< $$(REF_STACK_$(1)) $(BUILD)/$(1)/libpmruntime.a $$(GVC_LIBS) -lm
endef
$(foreach v,rel asan debug,$(eval $(call VARIANT_RULES,$(v))))

# ------------------------------------------------------ reference pmrun ---
.PHONY: pmrun-ref
pmrun-ref: $(BUILD)/$(VARIANT)/ref/bin/pmrun

.PHONY: ref-objs
ref-objs: $(call REF_OBJ,$(VARIANT))

# ------------------------------------------ counting basic blocks ---
# Chapter 2's performance points are paid from the basic blocks your
# allocator runs on the synthetic traces (grader/lib/pmcount.h), a count that
# is the same on every run: in the graded (rel) build the chapters of
# COUNTED are compiled with COUNT_CFLAGS, and pmcountref, a separate
# program, counts the reference compiled the same way.  The suite links only
# the numbers it printed, never the reference's code.
COUNT_CFLAGS := -fsanitize-coverage=trace-pc
COUNTED      := 02-pymalloc
COUNTED_REF  := $(patsubst solutions/%.c,$(BUILD)/rel/count/%.o,$(wildcard $(foreach c,$(COUNTED),solutions/$(c)/*.c)))

$(BUILD)/rel/count/%.o: solutions/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(CFLAGS_rel) $(COUNT_CFLAGS) -c $< -o $@

$(BUILD)/rel/count/pmcountref: grader/traces/pmcountref.c $(wildcard grader/traces/*.h) $(COUNTED_REF) \
    $(BUILD)/rel/pmcount.o $(call REF_OBJ_EXCEPT,rel,$(COUNTED)) $(BUILD)/rel/libpmruntime.a
	$(CC) $(CFLAGS_COMMON) $(CFLAGS_rel) -o $@ $< $(COUNTED_REF) $(BUILD)/rel/pmcount.o \
	  $(call REF_OBJ_EXCEPT,rel,$(COUNTED)) $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm

$(BUILD)/rel/count/reference_counts.c: $(BUILD)/rel/count/pmcountref
	$< > $@

$(BUILD)/rel/count/reference_counts.o: $(BUILD)/rel/count/reference_counts.c
	$(CC) $(CFLAGS_COMMON) -c $< -o $@

SUITE_EXTRA_02-pymalloc = $(BUILD)/rel/count/reference_counts.o

# ------------------------------------------------------- scenarios ---
# A chapter's scenarios register themselves: grader/scenarios/register.sh
# turns the folder into a table for its suite (grader/lib/pmscenarios.h),
# made again whenever a scenario is added, removed or edited.
SCENARIO_CHAPTERS := $(notdir $(wildcard grader/scenarios/[0-9][0-9]-*))
define SCENARIO_RULES
$(BUILD)/scenarios/$(1).c: grader/scenarios/register.sh grader/scenarios/$(1) $(wildcard grader/scenarios/$(1)/*.py)
	@mkdir -p $$(@D)
	bash grader/scenarios/register.sh $(1) > $$@
SUITE_EXTRA_$(1) += $$(BUILD)/$$(VARIANT)/pmscenarios.o $$(BUILD)/$$(VARIANT)/scenarios/$(1).o
endef
$(foreach c,$(SCENARIO_CHAPTERS),$(eval $(call SCENARIO_RULES,$(c))))

# ------------------------------------------- one chapter's test suite ---
# make suite CH=01-refcount SUBMISSION=dir OUT=dir [VARIANT=rel|asan|debug]
# builds OUT/suite: the suite of chapter CH, linked with the submission's
# CH layer and the reference for every other chapter.  This is what the
# grader runs; a compile or link error here costs the chapter.
.PHONY: suite
suite: $(BUILD)/$(VARIANT)/libpmruntime.a $(BUILD)/$(VARIANT)/pmtest.o $(BUILD)/$(VARIANT)/pmcount.o
	@test -n "$(CH_SLUG)" || { echo "make suite: CH= must name a chapter ($(CHAPTERS))" >&2; exit 2; }
	@test -n "$(OUT)" || { echo "make suite: OUT= is required" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(SUITE_REF) $(call SUITE_OBJ,$(VARIANT),$(CH_SLUG)) $(SUITE_EXTRA_$(CH_SLUG))
	@rm -rf "$(OUT)/layer"
	@objs=(); for ch in $(SUITE_MINE); do \
	   src=( "$(SUBMISSION)/$$ch"/*.c ); \
	   if [ ! -e "$${src[0]}" ]; then echo "no .c files in $(SUBMISSION)/$$ch" >&2; exit 1; fi; \
	   mkdir -p "$(OUT)/layer/$$ch"; count=; \
	   if [ "$(VARIANT)" = rel ] && [[ " $(COUNTED) " == *" $$ch "* ]]; then count="$(COUNT_CFLAGS)"; fi; \
	   for f in "$${src[@]}"; do \
	     o="$(OUT)/layer/$$ch/$$(basename "$${f%.c}").o"; \
	     $(CC) $(CFLAGS_COMMON) $(CFLAGS_$(VARIANT)) $$count -c "$$f" -o "$$o" || exit 1; \
	     objs+=("$$o"); \
	   done; \
	 done; \
	 $(CC) $(LDFLAGS_$(VARIANT)) -o "$(OUT)/suite" $(call SUITE_OBJ,$(VARIANT),$(CH_SLUG)) \
	   $(BUILD)/$(VARIANT)/pmtest.o $(BUILD)/$(VARIANT)/pmcount.o $(SUITE_EXTRA_$(CH_SLUG)) "$${objs[@]}" $(SUITE_REF) \
	   $(BUILD)/$(VARIANT)/libpmruntime.a $(CHECK_LIBS) $(JSON_LIBS) $(GVC_LIBS) -lm

# STACK=mine is the final exam: every layer from the submission.  Otherwise
# the submission's chapter CH and the reference for the others.
SUITE_MINE = $(if $(filter mine,$(STACK)),$(CHAPTERS),$(CH_SLUG))
SUITE_REF  = $(if $(filter mine,$(STACK)),,$(call REF_OBJ_EXCEPT,$(VARIANT),$(SUITE_REF_EXCLUDE)))

# ------------------------------------------------------- trace tools ---
# pmtracegen prints chapter 2's synthetic traces (grader/traces/README.md).
$(BUILD)/bin/pmtracegen: grader/traces/pmtracegen.c grader/traces/pmsynth.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 -o $@ $<

# ------------------------------------------------------------- grader ---
$(BUILD)/bin/pmgrade: $(GRADER_SRC) $(wildcard grader/pmgrade/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(JSON_CFLAGS) $(XML_CFLAGS) -o $@ $(GRADER_SRC) $(JSON_LIBS) $(XML_LIBS)

GRADE_ARGS = --root . --submission "$(SUBMISSION)" --jobs $(JOBS) $(if $(CH),--chapter $(CH)) $(if $(STACK),--stack $(STACK))

.PHONY: grade
grade: deps-ensure
	@$(MAKE) -s --no-print-directory $(BUILD)/bin/pmgrade $(BUILD)/rel/libpmruntime.a
	@# One grade at a time per tree: runs share build/ (a second one waits).
	@mkdir -p $(BUILD) && flock $(BUILD)/.grade.lock $(BUILD)/bin/pmgrade $(GRADE_ARGS) $(GRADEFLAGS)

# --------------------------------------------------------- make run ---
# STACK=mine (default): your layers for every chapter up to the one you are
# working on (tools/stack.sh says which), the reference for the rest; with
# CH=NN only that chapter is yours;
# STACK=ref: the reference for every layer.  The heap at the end (or at
# RUNFLAGS="--stop-after N") is drawn to build/run/<script>.svg.
MINE_OBJ_DIR := $(BUILD)/rel/mine

.PHONY: run
run: deps-ensure
	@test -n "$(SCRIPT)" || { echo "usage: make run SCRIPT=examples/cycle.py [STACK=ref]" >&2; exit 2; }
	@test -f "$(SCRIPT)" || { echo "make run: no such file: $(SCRIPT)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmrun,mine-pmrun $(if $(CH_SLUG),MINE_LAYERS=$(CH_SLUG)))
	@mkdir -p $(BUILD)/run
	@$(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmrun,$(MINE_OBJ_DIR)/bin/pmrun) \
	  --heap-svg $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).svg \
	  $(RUNFLAGS) "$(SCRIPT)"

# mine-pmrun, mine-pmreplay: a program of runtime/main/ linked with your
# layers (as tools/stack.sh chooses them) and the reference for the rest.
.PHONY: mine-pmrun mine-pmreplay
mine-pmrun mine-pmreplay: mine-%: $(BUILD)/rel/main/%.o $(BUILD)/rel/libpmruntime.a
	@mine="$(MINE_LAYERS)"; [ -n "$$mine" ] || mine=$$(bash tools/stack.sh "$(SUBMISSION)"); \
	 ref=$$(for c in $(CHAPTERS); do grep -qx "$$c" <<<"$$mine" || echo "$$c"; done); \
	 echo "make: your layers: $$(echo $$mine)$${ref:+; the reference: $$(echo $$ref)}" >&2; \
	 $(MAKE) -s --no-print-directory ref-objs; \
	 objs=(); mkdir -p $(MINE_OBJ_DIR)/bin; \
	 for c in $$mine; do for f in "$(SUBMISSION)/$$c"/*.c; do \
	   o="$(MINE_OBJ_DIR)/$$c/$$(basename "$${f%.c}").o"; mkdir -p "$$(dirname "$$o")"; \
	   $(CC) $(CFLAGS_COMMON) $(CFLAGS_rel) -c "$$f" -o "$$o" || exit 1; objs+=("$$o"); \
	 done; done; \
	 for c in $$ref; do objs+=( $(BUILD)/rel/ref/$$c/*.o ); done; \
	 $(CC) -o $(MINE_OBJ_DIR)/bin/$* $(BUILD)/rel/main/$*.o "$${objs[@]}" \
	   $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm

# ------------------------------------------------------- make replay ---
# make replay TRACE=grader/traces/02-pymalloc/x.trace [STACK=ref]: replay an
# allocation trace through the allocator (yours by default), checking every
# payload and the heap after every operation, then print the statistics.
.PHONY: replay
replay: deps-ensure
	@test -n "$(TRACE)" || { echo "usage: make replay TRACE=grader/traces/02-pymalloc/<name>.trace [STACK=ref]" >&2; exit 2; }
	@test -f "$(TRACE)" || { echo "make replay: no such file: $(TRACE)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmreplay,mine-pmreplay MINE_LAYERS=02-pymalloc)
	@$(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmreplay,$(MINE_OBJ_DIR)/bin/pmreplay) \
	  --fill --check --stats $(REPLAYFLAGS) "$(TRACE)"

# -------------------------------------------------------- make bench ---
# One run, two tables: the reference allocator against CPython's own
# obmalloc (libpython, interpreter not started), glibc and mimalloc; and the
# reference collector against CPython's gc.collect() on the same graphs.
.PHONY: bench
bench: deps-ensure
	@$(MAKE) -s --no-print-directory $(BUILD)/rel/libpmruntime.a
	@mkdir -p $(BUILD)/bench
	@$(CC) $(CFLAGS_COMMON) -O2 -Igrader/traces bench/alloc_bench.c solutions/02-pymalloc/*.c \
	  $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) $(call pc,--libs,python3-embed) -lmimalloc -lm \
	  -o $(BUILD)/bench/alloc_bench
	@$(BUILD)/bench/alloc_bench
	@echo
	@$(CC) $(CFLAGS_COMMON) -O2 bench/gc_bench.c $(wildcard $(foreach c,$(CHAPTERS),solutions/$(c)/*.c)) \
	  $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm -o $(BUILD)/bench/gc_bench
	@$(BUILD)/bench/gc_bench bench/gc_bench.py

# ------------------------------------------------------- make debug ---
.PHONY: debug
debug: deps-ensure
	@test -n "$(CH_SLUG)" || { echo "usage: make debug CH=01 TEST=test_name" >&2; exit 2; }
	@test -n "$(TEST)" || { echo "usage: make debug CH=01 TEST=test_name (names: make list CH=01)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory suite VARIANT=debug OUT=$(BUILD)/debug/$(CH_SLUG)
	CK_FORK=no PMLAB_ROOT=. PMLAB_ARTIFACTS=$(BUILD)/debug/$(CH_SLUG)/artifacts \
	  gdb -q -ex run --args $(BUILD)/debug/$(CH_SLUG)/suite --run $(TEST)

.PHONY: list
list: deps-ensure
	@test -n "$(CH_SLUG)" || { echo "usage: make list CH=01" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory suite VARIANT=rel OUT=$(BUILD)/rel/list/$(CH_SLUG) SUBMISSION=solutions
	@$(BUILD)/rel/list/$(CH_SLUG)/suite --list | jq -r '.tests[] | "\(.name)\t\(.points) pts\t\(.step)"'

# ------------------------------------------------------- make watch ---
.PHONY: watch
watch: deps-ensure
	@bash tools/watch.sh "$(SUBMISSION)" "$(CH)"

# -------------------------------------------------------- make book ---
.PHONY: book
book: deps-ensure
	@$(MAKE) -s --no-print-directory $(BUILD)/rel/ref/bin/pmrun $(BUILD)/rel/ref/bin/pmgcsteps $(BUILD)/rel/ref/bin/pmreplay
	@bash book/build.sh $(BUILD)/book
	@echo "book: open $(BUILD)/book/index.html"

# -------------------------------------------------------- make test ---
.PHONY: test
test:
	@bash tools/deps.sh check
	@bash tools/selftest.sh

.PHONY: clean
clean:
	rm -rf $(BUILD)
