# pymemlab - the one entry point.  `make help` lists the commands.
#
# Builds live under build/<variant>/ (the variants are listed below, one
# line each).  A layer is chapter code: the reference in solutions/NN-slug/,
# the learner's in skeletons/NN-slug/ (or SUBMISSION=dir).  CONTRIBUTING.md
# explains how the pieces fit.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.SUFFIXES:
.DELETE_ON_ERROR:

BUILD      := build
SUBMISSION ?= skeletons
STACK      ?=
CH         ?=
# (VARIANT defaults to the first variant of CH's chapter.conf, else rel.)
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

# Where the reference layers come from: compiled from solutions/ in the
# full repository, or, in a handout made by `make handout` (which leaves the
# solutions out), the prebuilt objects of prebuilt/NN-slug/<variant>.o.
REF_FROM := $(if $(wildcard solutions/[0-9][0-9]-*),solutions,prebuilt)
# `make handout CHAPTERS=01,03` names the chapters a handout contains (and
# `make grade-class CHAPTERS=01,03` those it grades); the name is also this
# Makefile's list of every chapter, which it keeps.
ifeq ($(origin CHAPTERS),command line)
HANDOUT_CHAPTERS := $(CHAPTERS)
endif
override CHAPTERS := $(sort $(notdir $(wildcard $(REF_FROM)/[0-9][0-9]-*)))

CC       ?= cc
CFLAGS_BASE   := -std=gnu11 -Wall -Wextra -g -fno-omit-frame-pointer
CFLAGS_COMMON := $(CFLAGS_BASE) -Iinclude -Igrader/lib
empty :=
space := $(empty) $(empty)

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
SECCOMP_LIBS = $(call pc,--libs,libseccomp)

HEADERS      := $(wildcard include/*.h)
# The runtime's rooms (CONTRIBUTING.md maps them): every folder of runtime/
# but main/, whose programs each link the library the others make.
RUNTIME_SRC  := $(filter-out runtime/main/%,$(wildcard runtime/*.c runtime/*/*.c))
RUNTIME_HDRS := $(wildcard runtime/*.h runtime/*/*.h)
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
	@echo "  make grade STACK=mine   the final exam: every layer of this copy yours"
	@echo "                          (the reference only for chapters not handed out)"
	@echo "  make run SCRIPT=f.py    run a scenario on your layers (STACK=ref: the reference;"
	@echo "                          LOG=1: only its collection log, as the .gclog files have it)"
	@echo "  make replay TRACE=f     replay an allocation trace through your allocator (chapter 2;"
	@echo "                          REPLAYFLAGS=\"--heap-svg f.svg\" also draws the arenas)"
	@echo "  make bench              the reference allocator, collector and biased counting, each against its rivals"
	@echo "  make debug CH=01 TEST=name  one test, no fork, under gdb"
	@echo "  make hint CH=01 TEST=name   the second hint of a test: the fix, one step further"
	@echo "  make watch CH=01        re-grade on every save"
	@echo "  make book               the book, in build/book/ (open index.html)"
ifeq ($(REF_FROM),solutions)
	@echo "  make test               the project's own test suite (ONLY=mutants: one section)"
	@echo "  make skeletons          regenerate skeletons/ from the solutions (maintainers)"
	@echo "  make handout DEST=dir   a repository for students, without the solutions (CHAPTERS=01,03: some)"
	@echo "  make gradescope         Gradescope's autograder.zip (CH=01: one chapter; HIDDEN=hidden: hidden tests)"
endif
	@echo "  make grade-class SUBMISSIONS=dir   grade a whole class: gradebook.csv and a summary page"
	@echo "  make deps               install the Debian packages everything needs"
	@echo "  make clean              remove build/"
	@echo
	@echo "Chapters: $(CHAPTERS)"
ifneq ($(REF_FROM),solutions)
	@echo "(A handout: the reference comes prebuilt, in prebuilt/; the maintainers' commands,"
	@echo " make test, skeletons, handout and gradescope, need the full repository.)"
endif

# ---------------------------------------------------------------- deps ---
.PHONY: deps deps-ensure
deps:
	@bash tools/deps.sh install

deps-ensure:
	@bash tools/deps.sh ensure

# ----------------------------------------------------------- variants ---
# One line per build variant: the flags its objects are compiled with.
# -fsanitize= flags make it a sanitizer variant; they and -pthread are its
# link flags too; -DPm_GIL_DISABLED gives it the free-threaded object
# header.  Its objects live in build/<variant>/.
VARIANT_FLAGS.rel     := -O2
VARIANT_FLAGS.debug   := -O0
VARIANT_FLAGS.asan    := -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
VARIANT_FLAGS.ft      := -O2 -DPm_GIL_DISABLED -pthread
VARIANT_FLAGS.ftdebug := -O0 -DPm_GIL_DISABLED -pthread
VARIANT_FLAGS.tsan    := -O1 -DPm_GIL_DISABLED -pthread -fsanitize=thread
VARIANT_FLAGS.oldgeom := -O2 -Werror -DPm_PYMALLOC_OLD_GEOMETRY
# make bench's collector table: objects without the registry links, the
# size of CPython's release build's (pm_object.h).
VARIANT_FLAGS.bench   := -O2 -DPm_NO_TRACE_REFS

ALL_VARIANTS := $(sort $(patsubst VARIANT_FLAGS.%,%,$(filter VARIANT_FLAGS.%,$(.VARIABLES))))
LDFLAGS_OF    = $(filter -fsanitize=% -pthread,$(VARIANT_FLAGS.$(1)))
IS_SANITIZER  = $(filter -fsanitize=%,$(VARIANT_FLAGS.$(1)))
HEADER_OF     = $(if $(filter -DPm_GIL_DISABLED,$(VARIANT_FLAGS.$(1))),free-threaded,default)

# ------------------------------------------------------ chapter.conf ---
# Each chapter's settings live in grader/suites/NN-slug/chapter.conf
# (KEY = value lines, also read by pmgrade); they become CONF_<slug>_<KEY>.
CONF_KEYS := VARIANTS DEBUG_VARIANT OBJECT_HEADERS SANITIZER_MALLOC UNIT_TIMEOUT SCENARIO_TIMEOUT SELFTEST HANDOUT_AS_OBJECT
define LOAD_CONF
$(foreach k,$(CONF_KEYS),$(k) :=
)
-include $(or $(wildcard grader/suites/$(1)/chapter.conf),prebuilt/$(1)/chapter.conf)
$(foreach k,$(CONF_KEYS),CONF_$(1)_$(k) := $$($(k))
)
endef
$(foreach c,$(CHAPTERS),$(eval $(call LOAD_CONF,$(c))))
$(foreach k,$(CONF_KEYS),$(eval $(k) :=))
VARIANT ?= $(or $(firstword $(CONF_$(CH_SLUG)_VARIANTS)),rel)

# ------------------------------------------------------------ stacks ---
# A stack is one program's layers: the learner's for some chapters, the
# reference for the rest.  The learner's objects go to a folder of their
# own per submission folder, so that grading another folder rebuilds
# nothing of this one.
SUB_PATH := $(abspath $(SUBMISSION))
SUB_KEY  := mine/$(notdir $(SUB_PATH))-$(firstword $(shell printf '%s' '$(SUB_PATH)' | cksum))

# How a learner's file is compiled.  A grader that compiles the learner's
# files elsewhere (a copied folder that sees only include/) sets these.
LEARNER_INCLUDES ?= -Iinclude
LEARNER_CFLAGS   ?= $(CFLAGS_BASE) $(LEARNER_INCLUDES)
LEARNER_DEPS     ?= $(HEADERS)

# $(call CHAPTER_OBJS,variant,chapter[,mine]): one chapter's objects, the
# learner's if the third argument is given, else the reference's.
LAYER_SRC  = $(wildcard $(if $(2),$(SUBMISSION),solutions)/$(1)/*.c)
CHAPTER_OBJS = $(if $(or $(3),$(filter solutions,$(REF_FROM))),$(patsubst $(if $(3),$(SUBMISSION),solutions)/%.c,$(BUILD)/$(1)/$(if $(3),$(SUB_KEY),ref)/%.o,$(call LAYER_SRC,$(2),$(3))),$(BUILD)/$(1)/ref/$(2)/reference.o)
# A layer is in a variant's stack if it is written for the variant's object
# header; under a sanitizer, a SANITIZER_MALLOC layer that is not the
# learner's is left out and the C library's malloc takes its place
# (AddressSanitizer sees a use-after-free only in memory it hands out).
IN_VARIANT = $(filter $(call HEADER_OF,$(1)),$(or $(CONF_$(2)_OBJECT_HEADERS),default))
LEFT_TO_MALLOC = $(and $(call IS_SANITIZER,$(1)),$(filter yes,$(CONF_$(2)_SANITIZER_MALLOC)))
# $(call STACK_OBJS,variant,mine-chapters): every object of a stack, the
# learner's part (MINE_OBJS) and the reference's (REF_OBJS).
MINE_OBJS  = $(foreach c,$(filter $(2),$(CHAPTERS)),$(if $(call IN_VARIANT,$(1),$(c)),$(call CHAPTER_OBJS,$(1),$(c),mine)))
REF_OBJS   = $(foreach c,$(filter-out $(2),$(CHAPTERS)),$(if $(call IN_VARIANT,$(1),$(c)),$(if $(call LEFT_TO_MALLOC,$(1),$(c)),,$(call CHAPTER_OBJS,$(1),$(c)))))
STACK_OBJS = $(call MINE_OBJS,$(1),$(2)) $(call REF_OBJS,$(1),$(2))
# Where a stack's programs go: build/<variant>/ref/bin for the reference,
# a folder per submission and choice of chapters otherwise.
STACK_BIN = $(BUILD)/$(1)/$(if $(2),$(SUB_KEY)/bin-$(subst $(space),+,$(foreach c,$(2),$(firstword $(subst -, ,$(c))))),ref/bin)
# (In a handout, the suite's HANDOUT_AS_OBJECT sources come prebuilt.)
SUITE_OBJS = $(patsubst grader/suites/%.c,$(BUILD)/$(1)/suites/%.o,$(wildcard grader/suites/$(2)/*.c)) $(BUILD)/$(1)/pmtest/$(2).o \
  $(wildcard prebuilt/$(2)/suite-$(1).o)

# ------------------------------------------------------- object rules ---
# $(1) = variant: one rule per kind of object; each compiles one file.
define VARIANT_RULES
$(BUILD)/$(1)/runtime/%.o: runtime/%.c $$(HEADERS) $$(RUNTIME_HDRS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) $$(GVC_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/libpmruntime.a: $$(patsubst runtime/%.c,$(BUILD)/$(1)/runtime/%.o,$$(RUNTIME_SRC))
	@rm -f $$@
	ar rcs $$@ $$^

# The test library, once per chapter: its timeouts come from chapter.conf.
$(BUILD)/$(1)/pmtest/%.o: grader/lib/pmtest.c grader/lib/pmtest.h grader/lib/pmlimits.h $$(HEADERS) $$(wildcard grader/suites/*/chapter.conf)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) $$(CHECK_CFLAGS) $$(JSON_CFLAGS) \
	  $$(addprefix -DPM_TEST_TIMEOUT=,$$(CONF_$$*_UNIT_TIMEOUT)) \
	  $$(addprefix -DPM_SCENARIO_TIMEOUT=,$$(CONF_$$*_SCENARIO_TIMEOUT)) -c $$< -o $$@

$(BUILD)/$(1)/ref/%.o: solutions/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) -c $$< -o $$@

# In a handout: the prebuilt reference layer, one object per chapter.
$(BUILD)/$(1)/ref/%/reference.o: prebuilt/%/$(1).o
	@mkdir -p $$(@D)
	cp $$< $$@

$(BUILD)/$(1)/$(SUB_KEY)/%.o: $(SUBMISSION)/%.c $$(LEARNER_DEPS)
	@mkdir -p $$(@D)
	$$(CC) $$(LEARNER_CFLAGS) $$(VARIANT_FLAGS.$(1)) $$(call COUNT_FLAGS,$(1),$$(firstword $$(subst /, ,$$*))) -c $$< -o $$@

$(BUILD)/$(1)/pmscenarios.o: grader/lib/pmscenarios.c grader/lib/pmscenarios.h grader/lib/pmtest.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) $$(CHECK_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/scenarios/%.o: $(BUILD)/scenarios/%.c grader/lib/pmscenarios.h
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) -c $$< -o $$@

$(BUILD)/$(1)/suites/%.o: grader/suites/%.c grader/lib/pmtest.h $$(SUITE_HDRS) $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) $$(CHECK_CFLAGS) $$(GVC_CFLAGS) -c $$< -o $$@

$(BUILD)/$(1)/main/%.o: runtime/main/%.c $$(HEADERS)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) -c $$< -o $$@
endef

# A program of runtime/main/ on a stack: $(1) variant, $(2) the learner's
# chapters (none: the reference stack).  A learner's stack is relinked every
# time, so that a file deleted from the submission leaves it.
define STACK_PROGRAM
$(call STACK_BIN,$(1),$(2))/%: $(BUILD)/$(1)/main/%.o $(call STACK_OBJS,$(1),$(2)) $(BUILD)/$(1)/libpmruntime.a $(if $(2),FORCE)
	@mkdir -p $$(@D)
	$$(CC) $$(call LDFLAGS_OF,$(1)) -o $$@ $$< $(call STACK_OBJS,$(1),$(2)) $(BUILD)/$(1)/libpmruntime.a $$(GVC_LIBS) -lm
endef
$(foreach v,$(ALL_VARIANTS),$(eval $(call VARIANT_RULES,$(v)))$(eval $(call STACK_PROGRAM,$(v),)))

.PHONY: FORCE
FORCE:

# ------------------------------------------------------ reference pmrun ---
.PHONY: pmrun-ref
pmrun-ref: $(BUILD)/$(VARIANT)/ref/bin/pmrun $(BUILD)/$(VARIANT)/ref/bin/pmreplay

.PHONY: ref-objs
ref-objs: $(call STACK_OBJS,$(VARIANT),)

# ------------------------------------------ counting basic blocks ---
# Chapter 2's performance points are paid from the basic blocks your
# allocator runs on the synthetic traces (grader/lib/pmcount.h), a count that
# is the same on every run: in the rel variant a chapter of COUNTED is
# compiled with COUNT_CFLAGS, and pmcountref, a separate program, counts
# the reference compiled the same way.  The suite links only the numbers it
# printed, never the reference's code.  The counter itself is in the
# runtime (runtime/core/pmcount.c), so every program can link a counted object.
COUNT_CFLAGS := -fsanitize-coverage=trace-pc
COUNTED      := $(filter %-pymalloc,$(CHAPTERS))
# $(call COUNT_FLAGS,variant,chapter)
COUNT_FLAGS   = $(if $(filter rel,$(1)),$(if $(filter $(COUNTED),$(2)),$(COUNT_CFLAGS)))
COUNTED_REF  := $(patsubst solutions/%.c,$(BUILD)/rel/count/%.o,$(wildcard $(foreach c,$(COUNTED),solutions/$(c)/*.c)))

$(BUILD)/rel/count/%.o: solutions/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.rel) $(COUNT_CFLAGS) -c $< -o $@

$(BUILD)/rel/count/pmcountref: grader/traces/pmcountref.c $(wildcard grader/traces/*.h) grader/lib/pmcount.h \
    $(COUNTED_REF) $(call REF_OBJS,rel,$(COUNTED)) $(BUILD)/rel/libpmruntime.a
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.rel) -o $@ $< $(COUNTED_REF) \
	  $(call REF_OBJS,rel,$(COUNTED)) $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm

ifeq ($(REF_FROM),solutions)
$(BUILD)/rel/count/reference_counts.c: $(BUILD)/rel/count/pmcountref
	$< > $@
else
$(BUILD)/rel/count/reference_counts.c: prebuilt/reference_counts.c
	@mkdir -p $(@D)
	cp $< $@
endif

$(BUILD)/rel/count/reference_counts.o: $(BUILD)/rel/count/reference_counts.c
	$(CC) $(CFLAGS_COMMON) -c $< -o $@

$(foreach c,$(COUNTED),$(eval SUITE_EXTRA_$(c) += $(BUILD)/rel/count/reference_counts.o))

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

# A suite that grades each step on its own needs, for a test of an early
# step, what a later step does: the reference's, linked in a second time
# with its names renamed (_Pm_x becomes _PmRef_x, Pm_x PmRef_x, any other
# x _PmRef_x), from the same objects as the reference layer (prebuilt ones
# in a handout).  Chapter 5: a thread leaving, a decrement.  Chapter 2: the
# reference's own heap checker, which checks the learner's heap: its state,
# _PmObmalloc_state, keeps its name and is made weak, so that the learner's
# is the one it reads.
GIVEN_CHAPTERS := $(filter %-biased %-pymalloc,$(CHAPTERS))
define GIVEN_RULE
$(BUILD)/$(1)/given/$(2).o: $(call CHAPTER_OBJS,$(1),$(2))
	@mkdir -p $$(@D)
	ld -r -o $$@.tmp.o $$^
	nm -g --defined-only $$@.tmp.o | awk '$$$$3 != "_PmObmalloc_state" { n = $$$$3; \
	  if (!sub(/^_Pm_/, "_PmRef_", n) && !sub(/^Pm_/, "PmRef_", n)) n = "_PmRef_" n; print $$$$3, n }' >$$@.syms
	objcopy --redefine-syms=$$@.syms --weaken-symbol=_PmObmalloc_state $$@.tmp.o $$@
	rm -f $$@.tmp.o $$@.syms
endef
$(foreach c,$(GIVEN_CHAPTERS),$(foreach v,$(ALL_VARIANTS),$(eval $(call GIVEN_RULE,$(v),$(c)))))
$(foreach c,$(GIVEN_CHAPTERS),$(eval SUITE_EXTRA_$(c) += $(BUILD)/$(VARIANT)/given/$(c).o))

# ------------------------------------------- one chapter's test suite ---
# make suite CH=01-refcount SUBMISSION=dir OUT=dir [VARIANT=rel|asan|...]
# builds OUT/suite: the suite of chapter CH, linked with the submission's
# CH layer and the reference for every other chapter (STACK=mine: every
# layer from the submission).  This is what the grader runs; a compile or
# link error here costs the chapter.
# (In a handout, every chapter it contains: the reference serves the chapters
# not handed out yet.)
RELEASED   = $(if $(filter prebuilt,$(REF_FROM)),$(filter $(notdir $(wildcard grader/suites/[0-9][0-9]-*)),$(CHAPTERS)),$(CHAPTERS))
SUITE_MINE = $(if $(filter mine,$(STACK)),$(RELEASED),$(CH_SLUG))
# In a handout, SUBMISSION=solutions (how pmgrade and make list ask for the
# reference suite) means the prebuilt reference for every chapter.
ifeq ($(REF_FROM)$(SUB_PATH),prebuilt$(abspath solutions))
SUITE_MINE :=
endif
# A grader that compiles the learner's files itself (with `make
# layer-cflags`) passes their objects as LAYER_OBJS.
SUITE_STACK = $(if $(LAYER_OBJS),$(LAYER_OBJS) $(call REF_OBJS,$(VARIANT),$(SUITE_MINE)),$(call STACK_OBJS,$(VARIANT),$(SUITE_MINE)))

ifneq ($(filter suite,$(MAKECMDGOALS)),)
ifeq ($(CH_SLUG),)
$(error make suite: CH= must name a chapter ($(CHAPTERS)))
endif
ifeq ($(OUT),)
$(error make suite: OUT= is required)
endif
.PHONY: suite
suite: $(OUT)/suite

# HIDDEN=dir: an instructor's hidden tests of the chapter, dir/NN-slug/
# (grader/lib/register-hidden.sh says what goes there), linked in too.
HIDDEN_CH := $(if $(HIDDEN),$(wildcard $(abspath $(HIDDEN))/$(CH_SLUG)))
ifneq ($(HIDDEN_CH),)
HIDDEN_OUT := $(BUILD)/$(VARIANT)/hidden-$(firstword $(shell printf '%s' '$(HIDDEN_CH)' | cksum))
HIDDEN_OBJS := $(patsubst $(HIDDEN_CH)/%.c,$(HIDDEN_OUT)/%.o,$(wildcard $(HIDDEN_CH)/test_*.c)) $(HIDDEN_OUT)/register.o
SUITE_EXTRA_$(CH_SLUG) += $(HIDDEN_OBJS)
$(HIDDEN_OUT)/%.o: $(HIDDEN_CH)/%.c grader/lib/pmtest.h $(SUITE_HDRS) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -Igrader/suites/$(CH_SLUG) $(VARIANT_FLAGS.$(VARIANT)) $(CHECK_CFLAGS) $(GVC_CFLAGS) -c $< -o $@
$(HIDDEN_OUT)/register.c: grader/lib/register-hidden.sh FORCE
	@mkdir -p $(@D)
	@tmp=$@.$$$$.new; bash grader/lib/register-hidden.sh $(HIDDEN_CH) $(CH_SLUG) > $$tmp && \
	  { cmp -s $$tmp $@ && rm -f $$tmp || mv $$tmp $@; }
$(HIDDEN_OUT)/register.o: $(HIDDEN_OUT)/register.c grader/lib/pmtest.h
	$(CC) $(CFLAGS_COMMON) $(CHECK_CFLAGS) -c $< -o $@
endif

$(OUT)/suite: $(call SUITE_OBJS,$(VARIANT),$(CH_SLUG)) $(SUITE_EXTRA_$(CH_SLUG)) $(SUITE_STACK) $(BUILD)/$(VARIANT)/libpmruntime.a FORCE
	@$(if $(LAYER_OBJS),,$(foreach c,$(SUITE_MINE),$(if $(call LAYER_SRC,$(c),mine),,echo "no .c files in $(SUBMISSION)/$(c)" >&2; exit 1;)))
	@mkdir -p $(@D)
	$(CC) $(call LDFLAGS_OF,$(VARIANT)) -o $@ $(call SUITE_OBJS,$(VARIANT),$(CH_SLUG)) \
	  $(SUITE_EXTRA_$(CH_SLUG)) $(SUITE_STACK) $(BUILD)/$(VARIANT)/libpmruntime.a \
	  $(CHECK_LIBS) $(JSON_LIBS) $(GVC_LIBS) $(SECCOMP_LIBS) -lm
endif

# The compiler and flags of a learner's file in VARIANT (of chapter CH; a
# chapter 2 file in rel is counted, see COUNT_FLAGS: without CH, every
# chapter's file is).
.PHONY: layer-cflags
layer-cflags:
	@echo $(CC) $(LEARNER_CFLAGS) $(VARIANT_FLAGS.$(VARIANT)) $(call COUNT_FLAGS,$(VARIANT),$(or $(CH_SLUG),$(COUNTED)))

# ------------------------------------------------------- trace tools ---
# pmtracegen prints chapter 2's synthetic traces (grader/traces/README.md).
$(BUILD)/bin/pmtracegen: grader/traces/pmtracegen.c grader/traces/pmsynth.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 -o $@ $<

# tools/cpython-obmalloc/compare.sh: chapter 2's layer (the reference; with
# STACK=mine the submission's) in the replay harness that CPython's own
# obmalloc runs too, linked to OUT.
PYMALLOC_CH := $(filter %-pymalloc,$(CHAPTERS))
CMP_OBJS = $(if $(filter mine,$(STACK)),$(call MINE_OBJS,rel,$(PYMALLOC_CH)),$(call CHAPTER_OBJS,rel,$(PYMALLOC_CH)))
.PHONY: pm-replay-harness
pm-replay-harness: $(CMP_OBJS) $(BUILD)/rel/libpmruntime.a
	@test -n "$(OUT)" || { echo "make pm-replay-harness: OUT= is required" >&2; exit 2; }
	@mkdir -p $(dir $(OUT))
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.rel) -Igrader/traces -DREPLAY_PMLAB -o $(OUT) \
	  tools/cpython-obmalloc/replay.c $(CMP_OBJS) $(BUILD)/rel/libpmruntime.a $(GVC_LIBS) -lm

# ------------------------------------------------------------- grader ---
$(BUILD)/bin/pmgrade: $(GRADER_SRC) $(wildcard grader/pmgrade/*.h) grader/lib/pmlimits.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(JSON_CFLAGS) $(XML_CFLAGS) -o $@ $(GRADER_SRC) $(JSON_LIBS) $(XML_LIBS) $(SECCOMP_LIBS)

# pg_classify over stored cases of how a test can end (make test runs it).
$(BUILD)/bin/classify_test: grader/pmgrade/tests/classify_test.c grader/pmgrade/classify.c grader/pmgrade/util.c $(wildcard grader/pmgrade/*.h) grader/lib/pmlimits.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(XML_CFLAGS) -o $@ $(filter %.c,$^) $(XML_LIBS)

# The terminal table's "next:" line and earlier-step note (make test runs it).
$(BUILD)/bin/report_test: grader/pmgrade/tests/report_test.c grader/pmgrade/report.c grader/pmgrade/classify.c grader/pmgrade/util.c $(wildcard grader/pmgrade/*.h) grader/lib/pmlimits.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) -O2 $(JSON_CFLAGS) $(XML_CFLAGS) -o $@ $(filter %.c,$^) $(JSON_LIBS) $(XML_LIBS)

GRADE_ARGS = --root . --submission "$(SUBMISSION)" --jobs $(JOBS) $(if $(CH),--chapter $(CH)) $(if $(STACK),--stack $(STACK)) $(if $(HIDDEN),--hidden "$(HIDDEN)")

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

# --------------------------------------------------- make grade-class ---
# make grade-class SUBMISSIONS=dir [JOBS=n] [CHAPTERS=01,03] [OUT=dir]: every
# student's submission under dir graded (tools/grade-class.py; the layouts it
# accepts and what it writes are in chapters/instructors.md), several at
# once, each by pmgrade in its own sandbox, into OUT (build/class) with
# gradebook.csv and summary.html.  Again later: only the students whose
# files changed are graded again (FRESH=1: everyone).  ENGINE=parallel
# SSHLOGINFILE=f hands the students to GNU parallel; ENGINE=slurm writes a
# Slurm job array and its gather step without running them.  HIDDEN=dir
# adds an instructor's hidden tests; ROSTER=file gives a row to every
# student listed, submission or not; TIMEOUT= caps one student (seconds).
# Debian's python3, which python3-matplotlib goes with (the summary's pictures).
CLASS_PYTHON := $(or $(wildcard /usr/bin/python3),python3)
.PHONY: grade-class
grade-class: deps-ensure
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade-class SUBMISSIONS=dir [JOBS=n] [CHAPTERS=01,03] [OUT=dir] [ENGINE=local|parallel|slurm]" >&2; exit 2; }
	@$(CLASS_PYTHON) tools/grade-class.py run --root . --submissions "$(SUBMISSIONS)" \
	  --jobs $(JOBS) $(if $(HANDOUT_CHAPTERS),--chapters "$(HANDOUT_CHAPTERS)") $(if $(OUT),--out "$(OUT)") \
	  --engine $(or $(ENGINE),local) $(if $(SSHLOGINFILE),--sshloginfile "$(SSHLOGINFILE)") \
	  $(if $(HIDDEN),--hidden "$(HIDDEN)") $(if $(ROSTER),--roster "$(ROSTER)") \
	  $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(FRESH),--fresh) --gradeflags "$(GRADEFLAGS)"

# --------------------------------------------------------- make run ---
# STACK=mine (default): your layers for every chapter you have written, and
# for the chapter of a graded scenario you run (tools/stack.sh says which),
# the reference for the rest; with CH=NN only that chapter is yours;
# STACK=ref: the reference for every layer.  The heap at the end (or at
# RUNFLAGS="--stop-after N") is drawn to build/run/<script>.svg.  LOG=1
# prints only the collection log, in the format of the .gclog files, and
# compares it with the recorded one (tools/gclog.sh).
ifeq ($(STACK),ref)
RUN_MINE :=
else ifneq ($(CH_SLUG),)
RUN_MINE := $(CH_SLUG)
else ifneq ($(filter run,$(MAKECMDGOALS)),)
RUN_MINE := $(shell bash tools/stack.sh "$(SUBMISSION)" "$(SCRIPT)")
endif
# make replay: your allocator (chapter 2), the reference for the rest; in
# a handout without chapter 2, the reference's.
ifneq ($(filter replay,$(MAKECMDGOALS)),)
RUN_MINE := $(if $(filter ref,$(STACK)),,$(filter %-pymalloc,$(RELEASED)))
endif
ifneq ($(RUN_MINE),)
$(eval $(call STACK_PROGRAM,rel,$(RUN_MINE)))
endif
RUN_BIN = $(call STACK_BIN,rel,$(RUN_MINE))
# The chapters in make run's build (chapter 5's free-threaded header is not).
RUN_CHAPTERS = $(foreach c,$(CHAPTERS),$(if $(call IN_VARIANT,rel,$(c)),$(c)))

.PHONY: run
run: deps-ensure
	@test -n "$(SCRIPT)" || { echo "usage: make run SCRIPT=examples/cycle.py [STACK=ref]" >&2; exit 2; }
	@test -f "$(SCRIPT)" || { echo "make run: no such file: $(SCRIPT)" >&2; exit 2; }
	@$(if $(filter ref,$(STACK)),,echo "make: your layers: $(or $(filter $(RUN_CHAPTERS),$(RUN_MINE)),none yet)$(if $(filter-out $(RUN_MINE),$(RUN_CHAPTERS)),; the reference: $(filter-out $(RUN_MINE),$(RUN_CHAPTERS)))$(if $(filter-out $(RUN_CHAPTERS),$(CHAPTERS)),; not in this build: $(filter-out $(RUN_CHAPTERS),$(CHAPTERS)) (on an object header of its own: make grade builds it))" >&2)
	@$(MAKE) -s --no-print-directory $(RUN_BIN)/pmrun RUN_MINE="$(RUN_MINE)"
	@mkdir -p $(BUILD)/run
	@$(if $(LOG),bash tools/gclog.sh "$(SCRIPT)" $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).gclog) \
	  $(RUN_BIN)/pmrun \
	  --heap-svg $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).svg \
	  --teardown-svg $(BUILD)/run/$(basename $(notdir $(SCRIPT)))$(if $(filter ref,$(STACK)),.ref).teardown.svg \
	  $(if $(LOG),--log) $(RUNFLAGS) "$(SCRIPT)"

# ------------------------------------------------------- make replay ---
# make replay TRACE=grader/traces/02-pymalloc/x.trace [STACK=ref]: replay an
# allocation trace through the allocator (yours by default), checking every
# payload and the heap after every operation, then print the statistics.
# REPLAYFLAGS adds pmreplay options, e.g. REPLAYFLAGS="--heap-svg f.svg".
.PHONY: replay
replay: deps-ensure
	@test -n "$(TRACE)" || { echo "usage: make replay TRACE=grader/traces/02-pymalloc/<name>.trace [STACK=ref]" >&2; exit 2; }
	@test -f "$(TRACE)" || { echo "make replay: no such file: $(TRACE)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory $(RUN_BIN)/pmreplay RUN_MINE="$(RUN_MINE)"
	@$(if $(filter ref,$(STACK))$(RUN_MINE),,echo "make replay: chapter 2 is not in this handout: replaying through the reference allocator" >&2;)
	@# --check and --stats call your heap checker and statistics (Step 7):
	@# until they are written, replay without them, and say so.
	@flags="--fill --check --stats"; \
	 if [ -n "$(RUN_MINE)" ] && for f in CheckHeap GetMallocStats DebugMallocStats; do \
	      bash tools/unwritten.sh -f _PmObject_$$f "$(SUBMISSION)"/02-pymalloc/*.c && break; done; then \
	   flags="--fill"; \
	   echo "make replay: your heap checker and statistics (Step 7) are not written yet: replaying with --fill only" >&2; \
	 fi; \
	 $(RUN_BIN)/pmreplay $$flags $(REPLAYFLAGS) "$(TRACE)"

# -------------------------------------------------------- make bench ---
# One run, three tables: the reference allocator against CPython's own
# obmalloc (libpython, interpreter not started), glibc and mimalloc; and the
# reference collector against CPython's gc.collect() on the same graphs;
# plain, atomic and biased reference counting (chapter 5).
.PHONY: bench
bench: deps-ensure bench-programs
	@echo "make bench: the allocator, then the collector, then counting; each table takes a minute or more, and appears when it is done" >&2
	@$(BUILD)/rel/bench/alloc_bench
	@echo
	@echo "make bench: timing the reference collector and CPython's gc.collect() on the same graphs..." >&2
	@$(BUILD)/bench/bench/gc_bench bench/gc_bench.py
	@$(if $(BIASED_CH),echo; $(BUILD)/ft/bench/rc_bench)

# The benchmark programs, built (in a handout, on the prebuilt reference).
BENCH_PROGRAMS = $(BUILD)/rel/bench/alloc_bench $(BUILD)/bench/bench/gc_bench $(if $(BIASED_CH),$(BUILD)/ft/bench/rc_bench)
.PHONY: bench-programs
bench-programs:
	@$(MAKE) -s --no-print-directory $(BENCH_PROGRAMS)

# The allocator benchmark links chapter 2's reference alone.
$(BUILD)/rel/bench/alloc_bench: bench/alloc_bench.c $(call CHAPTER_OBJS,rel,$(filter %-pymalloc,$(CHAPTERS))) $(BUILD)/rel/libpmruntime.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.rel) -Igrader/traces -o $@ $^ \
	  $(GVC_LIBS) $(call pc,--libs,python3-embed) -lmimalloc -lm

# The collector benchmark on the reference stack.  make bench runs it in the
# bench variant, whose objects are the size of CPython's release build's;
# build/rel/bench/gc_bench, with the registry links, shows what they cost.
define GC_BENCH
$(BUILD)/$(1)/bench/gc_bench: bench/gc_bench.c $(call STACK_OBJS,$(1),) $(BUILD)/$(1)/libpmruntime.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_COMMON) $$(VARIANT_FLAGS.$(1)) -o $$@ $$^ $$(GVC_LIBS) -lm
endef
$(foreach v,bench rel,$(eval $(call GC_BENCH,$(v))))

# Plain, atomic and biased counting: chapter 5's reference and the merge
# queue of the runtime, in the free-threaded variant, compiled without the
# explorer's switch points (-DPm_ATOMIC_NO_HOOK), as CPython's wrappers are.
BIASED_CH := $(filter %-biased,$(CHAPTERS))
RC_BENCH_SRC = bench/rc_bench.c $(if $(filter solutions,$(REF_FROM)),$(call LAYER_SRC,$(BIASED_CH)),prebuilt/$(BIASED_CH)/ft-nohook.o) runtime/core/brc.c
$(BUILD)/ft/bench/rc_bench: $(RC_BENCH_SRC) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.ft) -DPm_ATOMIC_NO_HOOK -o $@ $(RC_BENCH_SRC) $(call LDFLAGS_OF,ft)

# ------------------------------------------------------- make debug ---
# The chapter's own variants: its chapter.conf's DEBUG_VARIANT (-O0) and the
# first of its VARIANTS.
DEBUG_VARIANT = $(or $(CONF_$(CH_SLUG)_DEBUG_VARIANT),debug)
LIST_VARIANT  = $(or $(firstword $(CONF_$(CH_SLUG)_VARIANTS)),rel)

.PHONY: debug
debug: deps-ensure
	@test -n "$(CH_SLUG)" || { echo "usage: make debug CH=01 TEST=test_name" >&2; exit 2; }
	@test -n "$(TEST)" || { echo "usage: make debug CH=01 TEST=test_name (names: make list CH=01)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory suite VARIANT=$(DEBUG_VARIANT) OUT=$(BUILD)/$(DEBUG_VARIANT)/$(CH_SLUG)
	@echo "make debug: $(TEST) is loaded in gdb, not started: set your breakpoints (break Pm_DecRef), then run"
	@CK_FORK=no PMLAB_ROOT=. PMLAB_ARTIFACTS=$(BUILD)/$(DEBUG_VARIANT)/$(CH_SLUG)/artifacts \
	  gdb -q --args $(BUILD)/$(DEBUG_VARIANT)/$(CH_SLUG)/suite --run $(TEST)

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
	@$(MAKE) -s --no-print-directory suite VARIANT=$(LIST_VARIANT) OUT=$(BUILD)/$(LIST_VARIANT)/list/$(CH_SLUG) SUBMISSION=solutions
	@$(BUILD)/$(LIST_VARIANT)/list/$(CH_SLUG)/suite --list | jq -r '.tests[] | "\(.name)\t\(.points) pt\(if .points == 1 then "" else "s" end)\t\(.step)"'

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
# ONLY=mutants (or "mutants fixtures") runs those sections of the self-test
# alone; tools/selftest.sh lists them.
.PHONY: test
test:
ifeq ($(REF_FROM),solutions)
	@bash tools/deps.sh check
	@ONLY="$(ONLY)" bash tools/selftest.sh
else
	@echo "make test: the project's self-test needs the solutions, which a handout leaves out; make grade checks your work"
endif

# ------------------------------------------------------ make handout ---
# make handout DEST=dir [CHAPTERS=01,03]: a git repository a student can
# clone, without the solutions (tools/handout.sh says what goes in).  The
# reference layers ship as objects, one per chapter and variant: every
# variant a chapter is graded or debugged in, rel (make run) and bench.
HANDOUT_VARIANTS := $(sort rel bench $(foreach c,$(CHAPTERS),$(or $(CONF_$(c)_VARIANTS),rel asan) $(or $(CONF_$(c)_DEBUG_VARIANT),debug)))
HANDOUT_OBJS := $(foreach c,$(CHAPTERS),$(foreach v,$(HANDOUT_VARIANTS),$(if $(call IN_VARIANT,$(v),$(c)),$(BUILD)/handout/prebuilt/$(c)/$(v).o)))

ifeq ($(REF_FROM),solutions)
# One chapter's reference objects, linked into one relocatable object
# (exactly what linking them one by one gives), without debugging
# information, which would name this machine's folders.
$(BUILD)/handout/prebuilt/%.o: FORCE
	@mkdir -p $(@D)
	@$(MAKE) -s --no-print-directory $(call CHAPTER_OBJS,$(notdir $*),$(patsubst %/,%,$(dir $*)))
	ld -r -o $@ $(call CHAPTER_OBJS,$(notdir $*),$(patsubst %/,%,$(dir $*)))
	objcopy --strip-debug $@

# A suite's sources that would show a learner a step's answer (its
# chapter.conf's HANDOUT_AS_OBJECT: the state chapter 2's suite gives its
# early steps): compiled, one object per variant the suite
# is built in, without debugging information.
SUITE_VARIANTS = $(or $(CONF_$(1)_VARIANTS),rel asan) $(or $(CONF_$(1)_DEBUG_VARIANT),debug)
HANDOUT_SUITE_OBJS := $(foreach c,$(CHAPTERS),$(if $(CONF_$(c)_HANDOUT_AS_OBJECT),$(foreach v,$(call SUITE_VARIANTS,$(c)),$(BUILD)/handout/prebuilt/$(c)/suite-$(v).o)))
define SUITE_OBJECT_RULE
$(BUILD)/handout/prebuilt/%/suite-$(1).o: FORCE
	@mkdir -p $$(@D)
	@$$(MAKE) -s --no-print-directory $$(patsubst %.c,$(BUILD)/$(1)/suites/$$*/%.o,$$(CONF_$$*_HANDOUT_AS_OBJECT))
	ld -r -o $$@ $$(patsubst %.c,$(BUILD)/$(1)/suites/$$*/%.o,$$(CONF_$$*_HANDOUT_AS_OBJECT))
	objcopy --strip-debug $$@
endef
$(foreach v,$(sort $(foreach c,$(CHAPTERS),$(call SUITE_VARIANTS,$(c)))),$(eval $(call SUITE_OBJECT_RULE,$(v))))

# make bench's biased counting: chapter 5 without the explorer's switch points.
$(BUILD)/handout/prebuilt/$(BIASED_CH)/ft-nohook.o: $(call LAYER_SRC,$(BIASED_CH)) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_COMMON) $(VARIANT_FLAGS.ft) -DPm_ATOMIC_NO_HOOK -c -o $(@D)/ft-nohook.tmp.o $(call LAYER_SRC,$(BIASED_CH))
	ld -r -o $@ $(@D)/ft-nohook.tmp.o
	objcopy --strip-debug $@
	rm -f $(@D)/ft-nohook.tmp.o
endif

.PHONY: handout
handout:
	@test -n "$(DEST)" || { echo "usage: make handout DEST=dir [CHAPTERS=01,03]" >&2; exit 2; }
	@test "$(REF_FROM)" = solutions || { echo "make handout: this is a handout already (no solutions/)" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory -j$(JOBS) $(HANDOUT_OBJS) $(HANDOUT_SUITE_OBJS) $(if $(BIASED_CH),$(BUILD)/handout/prebuilt/$(BIASED_CH)/ft-nohook.o) \
	  $(BUILD)/rel/count/reference_counts.c
	@bash tools/handout.sh "$(DEST)" "$(HANDOUT_CHAPTERS)" $(BUILD)/handout/prebuilt $(BUILD)/rel/count/reference_counts.c

# --------------------------------------------------- make gradescope ---
# make gradescope [CH=01] [HIDDEN=dir] [DEST=file.zip]: Gradescope's
# autograder package (tools/gradescope.sh says what is in it).
.PHONY: gradescope
gradescope:
	@test "$(REF_FROM)" = solutions || { echo "make gradescope: a handout has no solutions/ to build the reference from" >&2; exit 2; }
	@bash tools/gradescope.sh "$(or $(DEST),$(BUILD)/gradescope/autograder.zip)" "$(CH)" "$(HIDDEN)"

# ---------------------------------------------------- make skeletons ---
# Every skeleton is generated from its solution (tools/skeletons.py says
# how); the generated files are committed, so a clone needs no generator.
.PHONY: skeletons
skeletons:
ifeq ($(REF_FROM),solutions)
	@python3 tools/skeletons.py
else
	@echo "make skeletons: the skeletons are generated from the solutions, which a handout leaves out"
endif

.PHONY: clean
clean:
	rm -rf $(BUILD)
