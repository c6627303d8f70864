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
SUITE_HDRS   := $(wildcard grader/suites/*/*.h)

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
	@echo "  make run SCRIPT=f.py    run a scenario on your layers (STACK=ref: the reference;"
	@echo "                          LOG=1: only its collection log, as the .gclog files have it)"
	@echo "  make replay TRACE=f     replay an allocation trace through your allocator (chapter 2;"
	@echo "                          REPLAYFLAGS=\"--heap-svg f.svg\" also draws the arenas)"
	@echo "  make bench              the reference allocator against CPython's, glibc's and mimalloc"
	@echo "  make debug CH=01 TEST=name  one test, no fork, under gdb"
	@echo "  make hint CH=01 TEST=name   the second hint of a test: the fix, one step further"
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

$(BUILD)/$(1)/pmtest.o: grader/lib/pmtest.c grader/lib/pmtest.h grader/lib/pmlimits.h $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(CFLAGS_$(1)) $$(CHECK_CFLAGS) $$(JSON_CFLAGS) -c $$< -o $$@

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
pmrun-ref: $(BUILD)/$(VARIANT)/ref/bin/pmrun $(BUILD)/$(VARIANT)/ref/bin/pmreplay

.PHONY: ref-objs
ref-objs: $(call REF_OBJ,$(VARIANT))

# ------------------------------------------- one chapter's test suite ---
# make suite CH=01-refcount SUBMISSION=dir OUT=dir [VARIANT=rel|asan|debug]
# builds OUT/suite: the suite of chapter CH, linked with the submission's
# CH layer and the reference for every other chapter.  This is what the
# grader runs; a compile or link error here costs the chapter.
.PHONY: suite
suite: $(BUILD)/$(VARIANT)/libpmruntime.a $(BUILD)/$(VARIANT)/pmtest.o
	@test -n "$(CH_SLUG)" || { echo "make suite: CH= must name a chapter ($(CHAPTERS))" >&2; exit 2; }
	@test -n "$(OUT)" || { echo "make suite: OUT= is required" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(SUITE_REF) $(call SUITE_OBJ,$(VARIANT),$(CH_SLUG))
	@rm -rf "$(OUT)/layer"
	@objs=(); for ch in $(SUITE_MINE); do \
	   src=( "$(SUBMISSION)/$$ch"/*.c ); \
	   if [ ! -e "$${src[0]}" ]; then echo "no .c files in $(SUBMISSION)/$$ch" >&2; exit 1; fi; \
	   mkdir -p "$(OUT)/layer/$$ch"; \
	   for f in "$${src[@]}"; do \
	     o="$(OUT)/layer/$$ch/$$(basename "$${f%.c}").o"; \
	     $(CC) $(CFLAGS_COMMON) $(CFLAGS_$(VARIANT)) -c "$$f" -o "$$o" || exit 1; \
	     objs+=("$$o"); \
	   done; \
	 done; \
	 $(CC) $(LDFLAGS_$(VARIANT)) -o "$(OUT)/suite" $(call SUITE_OBJ,$(VARIANT),$(CH_SLUG)) \
	   $(BUILD)/$(VARIANT)/pmtest.o "$${objs[@]}" $(SUITE_REF) \
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
$(BUILD)/bin/pmgrade: $(GRADER_SRC) $(wildcard grader/pmgrade/*.h) grader/lib/pmlimits.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(JSON_CFLAGS) $(XML_CFLAGS) -o $@ $(GRADER_SRC) $(JSON_LIBS) $(XML_LIBS)

# pg_classify over stored cases of how a test can end (make test runs it).
$(BUILD)/bin/classify_test: grader/pmgrade/tests/classify_test.c grader/pmgrade/classify.c grader/pmgrade/util.c $(wildcard grader/pmgrade/*.h) grader/lib/pmlimits.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(XML_CFLAGS) -o $@ $(filter %.c,$^) $(XML_LIBS)

GRADE_ARGS = --root . --submission "$(SUBMISSION)" --jobs $(JOBS) $(if $(CH),--chapter $(CH)) $(if $(STACK),--stack $(STACK))

.PHONY: grade
grade: deps-ensure
	@$(MAKE) -s --no-print-directory $(BUILD)/bin/pmgrade $(BUILD)/rel/libpmruntime.a
	@# One grade at a time per tree: runs share build/ (a second one waits).
	@# Below full marks pmgrade exits 1.  In a terminal the verdict it has
	@# just printed says so, and make's own "*** Error 1" after it would read
	@# as a crash of the tool: exit 0 there.  Anywhere else (a script, CI, an
	@# autograder) and with STRICT=1, the status stays 1.
	@mkdir -p $(BUILD); status=0; \
	 flock $(BUILD)/.grade.lock $(BUILD)/bin/pmgrade $(GRADE_ARGS) $(GRADEFLAGS) || status=$$?; \
	 if [ $$status -eq 1 ] && [ -t 1 ] && [ -z "$(STRICT)" ]; then \
	   echo "Stuck? make hint$(if $(CH), CH=$(CH)) gives the second hint of every test that failed (TEST=name: one test)."; \
	   exit 0; \
	 fi; exit $$status

# --------------------------------------------------------- make run ---
# STACK=mine (default): your layers for every chapter you have written, and
# for the chapter of a graded scenario you run (tools/stack.sh says which),
# the reference for the rest; with CH=NN only that chapter is yours;
# STACK=ref: the reference for every layer.  The heap at the end (or at
# RUNFLAGS="--stop-after N") is drawn to build/run/<script>.svg.  LOG=1
# prints only the collection log, in the format of the .gclog files, and
# compares it with the recorded one (tools/gclog.sh).
MINE_OBJ_DIR := $(BUILD)/rel/mine

.PHONY: run
run: deps-ensure
	@test -n "$(SCRIPT)" || { echo "usage: make run SCRIPT=examples/cycle.py [STACK=ref]" >&2; exit 2; }
	@test -f "$(SCRIPT)" || { echo "make run: no such file: $(SCRIPT)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmrun,mine-pmrun $(if $(CH_SLUG),MINE_LAYERS=$(CH_SLUG)))
	@mkdir -p $(BUILD)/run
	@$(if $(LOG),bash tools/gclog.sh "$(SCRIPT)" $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).gclog) \
	  $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmrun,$(MINE_OBJ_DIR)/bin/pmrun) \
	  --heap-svg $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).svg \
	  --teardown-svg $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).teardown.svg \
	  $(if $(LOG),--log) $(RUNFLAGS) "$(SCRIPT)"

# mine-pmrun, mine-pmreplay: a program of runtime/main/ linked with your
# layers (as tools/stack.sh chooses them) and the reference for the rest.
.PHONY: mine-pmrun mine-pmreplay
mine-pmrun mine-pmreplay: mine-%: $(BUILD)/rel/main/%.o $(BUILD)/rel/libpmruntime.a
	@mine="$(MINE_LAYERS)"; [ -n "$$mine" ] || mine=$$(bash tools/stack.sh "$(SUBMISSION)" "$(SCRIPT)"); \
	 ref=$$(for c in $(CHAPTERS); do grep -qx "$$c" <<<"$$mine" || echo "$$c"; done); \
	 echo "make: your layers: $$(echo $${mine:-none yet})$${ref:+; the reference: $$(echo $$ref)}" >&2; \
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
# REPLAYFLAGS adds pmreplay options, e.g. REPLAYFLAGS="--heap-svg f.svg".
.PHONY: replay
replay: deps-ensure
	@test -n "$(TRACE)" || { echo "usage: make replay TRACE=grader/traces/02-pymalloc/<name>.trace [STACK=ref]" >&2; exit 2; }
	@test -f "$(TRACE)" || { echo "make replay: no such file: $(TRACE)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmreplay,mine-pmreplay MINE_LAYERS=02-pymalloc)
	@# --check and --stats call your heap checker and statistics (Step 7):
	@# until they are written, replay without them, and say so.
	@flags="--fill --check --stats"; \
	 if [ "$(STACK)" != ref ] && grep -q '_Pm_Unimplemented("_PmObject_\(CheckHeap\|GetMallocStats\|DebugMallocStats\)"' \
	      "$(SUBMISSION)"/02-pymalloc/*.c 2>/dev/null; then \
	   flags="--fill"; \
	   echo "make replay: your heap checker and statistics (Step 7) are not written yet: replaying with --fill only" >&2; \
	 fi; \
	 $(if $(filter ref,$(STACK)),$(BUILD)/rel/ref/bin/pmreplay,$(MINE_OBJ_DIR)/bin/pmreplay) \
	  $$flags $(REPLAYFLAGS) "$(TRACE)"

# -------------------------------------------------------- make bench ---
# One run, three tables: the reference allocator against CPython's own
# obmalloc (libpython, interpreter not started), glibc and mimalloc; and the
# reference collector against CPython's gc.collect() on the same graphs;
# plain, atomic and biased reference counting (chapter 5).
.PHONY: bench
bench: deps-ensure
	@$(MAKE) -s --no-print-directory $(BUILD)/rel/libpmruntime.a
	@mkdir -p $(BUILD)/bench
	@$(CC) $(CFLAGS_COMMON) -O2 -Igrader/traces bench/alloc_bench.c solutions/02-pymalloc/*.c \
	  $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) $(call pc,--libs,python3-embed) -lmimalloc -lm \
	  -o $(BUILD)/bench/alloc_bench
	@$(BUILD)/bench/alloc_bench
	@echo
	@$(CC) $(CFLAGS_COMMON) -O2 bench/gc_bench.c $(wildcard $(foreach c,$(filter-out 05-biased,$(CHAPTERS)),solutions/$(c)/*.c)) \
	  $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm -o $(BUILD)/bench/gc_bench
	@$(BUILD)/bench/gc_bench bench/gc_bench.py
	@echo
	@$(CC) $(CFLAGS_COMMON) -O2 -DPm_GIL_DISABLED -pthread bench/rc_bench.c \
	  solutions/05-biased/*.c runtime/brc.c -o $(BUILD)/bench/rc_bench
	@$(BUILD)/bench/rc_bench

# ------------------------------------------------------- make debug ---
.PHONY: debug
debug: deps-ensure
	@test -n "$(CH_SLUG)" || { echo "usage: make debug CH=01 TEST=test_name" >&2; exit 2; }
	@test -n "$(TEST)" || { echo "usage: make debug CH=01 TEST=test_name (names: make list CH=01)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory suite VARIANT=debug OUT=$(BUILD)/debug/$(CH_SLUG)
	@echo "make debug: $(TEST) is loaded in gdb, not started: set your breakpoints (break Pm_DecRef), then run"
	@CK_FORK=no PMLAB_ROOT=. PMLAB_ARTIFACTS=$(BUILD)/debug/$(CH_SLUG)/artifacts \
	  gdb -q --args $(BUILD)/debug/$(CH_SLUG)/suite --run $(TEST)

# ------------------------------------------------------- make hint ---
# The grader's hint names the symptom and the section; the second hint,
# in grader/suites/NN-slug/hints.txt, gives the fix.  Without TEST: the
# second hints of every test that failed in the last make grade.
.PHONY: hint
hint:
	@bash tools/hint.sh "$(CH_SLUG)" "$(TEST)" $(BUILD)/grade/report.json

.PHONY: list
list: deps-ensure
	@test -n "$(CH_SLUG)" || { echo "usage: make list CH=01" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory suite VARIANT=rel OUT=$(BUILD)/rel/list/$(CH_SLUG) SUBMISSION=solutions
	@$(BUILD)/rel/list/$(CH_SLUG)/suite --list | jq -r '.tests[] | "\(.name)\t\(.points) pt\(if .points == 1 then "" else "s" end)\t\(.step)"'

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
