# ntlab: one non-recursive Makefile.
#
#   make                  build build/ntlab
#   make check            build, then run every test (ends with prove's summary)
#   make bench            build and run the benchmarks
#   make SAN=address,undefined check
#                         the same under sanitizers, in build/san, with the
#                         guest window at a high host address
#   make i386             compile kernel/ (and its tests) for i386
#                         freestanding, without linking
#   make pc               build build/pc/ntlab.elf: the kernel and its
#                         tests on the pc platform (hal/pc), a multiboot
#                         image for qemu-system-i386 (docs/pc.md)
#   make check-pc         build, then run the pc platform's tests under QEMU

CC := gcc
TOP := $(CURDIR)
SAN ?=
# V=1 shows the commands.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2);
endif

ifeq ($(SAN),)
BUILD := build
VA_BASE := 0
STACK_SCALE := 1
SANFLAGS :=
else
BUILD := build/san
VA_BASE := 0x200000000000
STACK_SCALE := 4
SANFLAGS := -fsanitize=$(SAN) -fno-sanitize-recover=all -fno-omit-frame-pointer
endif

WARNINGS := -Wall -Wextra -Werror -Wshadow -Wundef -Wmissing-prototypes \
            -Wstrict-prototypes
COMMON := -std=gnu11 -O2 -g $(WARNINGS) -Iinclude -Ihal -MMD -MP
PLATFORM := -DNTLAB_VA_BASE=$(VA_BASE) -DNTLAB_STACK_SCALE=$(STACK_SCALE)
GCC_INCLUDE := $(shell $(CC) -print-file-name=include)
# kernel/ sees no libc: only the compiler's freestanding headers.
FREESTANDING := -ffreestanding -nostdinc -isystem $(GCC_INCLUDE) -Wno-multichar \
                -fshort-wchar -fno-strict-aliasing
# The kernel keeps its frame pointers: the stop screen and kd walk the
# chain of frames for a backtrace. The kernel and its tests are always a
# checked build (DBG=1).
FRAME_POINTERS := -fno-omit-frame-pointer
KERNEL_FLAGS := $(COMMON) $(PLATFORM) $(FREESTANDING) $(FRAME_POINTERS) -DDBG=1
HOST_FLAGS := $(COMMON) $(PLATFORM)
I386_FLAGS := $(COMMON) $(FREESTANDING) -m32 -nostdlib -DDBG=1

KERNEL_SRC := $(sort $(wildcard kernel/*.c kernel/*/*.c))
KTEST_SRC := $(sort $(wildcard tests/kernel/*.c))
HAL_SRC := $(sort $(wildcard hal/hosted/*.c)) hal/hosted/switch.S hal/hosted/gate.S
NTLAB_SRC := $(sort $(wildcard tools/ntlab/*.c))
KBENCH_SRC := $(sort $(wildcard bench/kbench_*.c))
BENCH_SRC := bench/main.c bench/baseline.c bench/tour.c

obj = $(patsubst %,$(BUILD)/obj/%.o,$(basename $(1)))
KERNEL_OBJ := $(call obj,$(KERNEL_SRC) $(KTEST_SRC))
HAL_OBJ := $(call obj,$(HAL_SRC))
NTLAB_OBJ := $(call obj,$(NTLAB_SRC))
BENCH_OBJ := $(call obj,$(KBENCH_SRC) $(BENCH_SRC))
I386_OBJ := $(patsubst %,$(BUILD)/i386/%.o,$(basename $(KERNEL_SRC) $(KTEST_SRC)))

.PHONY: all check bench fuzz i386 clean programs pc check-pc
all: $(BUILD)/ntlab programs

# ---- User programs ------------------------------------------------------------
# Static x86-64 executables for ntlab's user mode, built against user/ (no
# host libc), linked at guest 0x00400000 (plus the window's base) and put
# next to ntlab in $(BUILD)/user, where it finds them.
USER_BASE := $(shell printf '0x%x' $$(( $(VA_BASE) + 0x400000 )))
# What a program needs, in this tree or outside it (the SDK, below).
# The tree's drivers and programs are a checked build (DBG=1: KdPrint and
# ASSERT compiled in); build/sdk.mk makes that NTLAB_DBG, 1 unless its
# includer says 0 (a free build).
# Drivers and programs carry preemption points (docs/races.md): gcc calls
# __sanitizer_cov_trace_pc at every basic block, which the kernel (for
# drivers) and the user runtime (for programs) implement. The user runtime
# itself, like the kernel, is built without them.
POINTS := -fsanitize-coverage=trace-pc
USER_BASE_CFLAGS := -std=gnu11 -O2 -g -I$(TOP)/include -I$(TOP)/user/include \
                      $(FREESTANDING) -DNTLAB_VA_BASE=$(VA_BASE) -fPIE \
                      -fno-stack-protector -fno-builtin \
                      -fno-tree-loop-distribute-patterns -fcf-protection=none
SDK_PROGRAM_CFLAGS := $(USER_BASE_CFLAGS) $(POINTS)
SDK_PROGRAM_LDFLAGS = -static -nostdlib -no-pie \
                      -Wl,-Ttext-segment=$(USER_BASE) -Wl,-z,noexecstack \
                      -Wl,--build-id=none $(TOP)/$(BUILD)/user/libntlab.a $(LIBGCC)
USER_FLAGS := $(SDK_PROGRAM_CFLAGS) -DDBG=1 $(WARNINGS) -MMD -MP
USER_LIB_FLAGS := $(USER_BASE_CFLAGS) -DDBG=1 $(WARNINGS) -MMD -MP
USER_LIB_SRC := $(sort $(wildcard user/ntdll/*.c user/ntdll/*.S user/crt/*.c \
                                  user/win32/*.c)) \
                kernel/rtl/seh.c kernel/rtl/string.c kernel/rtl/format.c
USER_LIB_OBJ := $(patsubst %,$(BUILD)/user-obj/%.o,$(basename $(USER_LIB_SRC)))
USER_PROGRAMS := $(patsubst user/programs/%.c,$(BUILD)/user/%.exe,\
                   $(sort $(wildcard user/programs/*.c))) $(BUILD)/user/fuzz.exe \
                 $(BUILD)/user/raceapp.exe
EXPLORE_PROGRAMS := $(patsubst tests/explore/%.c,$(BUILD)/user/%.exe,\
                      $(sort $(wildcard tests/explore/*.c)))
LIBGCC := $(shell $(CC) -print-libgcc-file-name)

# The runtime (libntlab.a), then the programs (user/programs, tests/).
$(BUILD)/user-obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,UCC,$<)$(CC) $(USER_LIB_FLAGS) -c -o $@ $<

$(BUILD)/user-obj/%.o: %.S
	@mkdir -p $(@D)
	$(call say,UAS,$<)$(CC) $(USER_LIB_FLAGS) -c -o $@ $<

$(BUILD)/user-obj/user/programs/%.o: user/programs/%.c
	@mkdir -p $(@D)
	$(call say,UCC,$<)$(CC) $(USER_FLAGS) -c -o $@ $<

$(BUILD)/user-obj/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(call say,UCC,$<)$(CC) $(USER_FLAGS) -c -o $@ $<

$(BUILD)/user/libntlab.a: $(USER_LIB_OBJ)
	@mkdir -p $(@D)
	$(call say,AR,$@)rm -f $@ && ar rcs $@ $^

$(BUILD)/user/%.exe: $(BUILD)/user-obj/user/programs/%.o $(BUILD)/user/libntlab.a
	$(call say,ULINK,$@)$(CC) -o $@ $< $(SDK_PROGRAM_LDFLAGS)

# The fuzzer (tests/fuzz): a program like the others, kept with its tests.
$(BUILD)/user/fuzz.exe: $(BUILD)/user-obj/tests/fuzz/fuzz.o $(BUILD)/user/libntlab.a
	$(call say,ULINK,$@)$(CC) -o $@ $< $(SDK_PROGRAM_LDFLAGS)

# explore's and --timeout's test programs (tests/explore): one that fails
# for some seeds only, one that never ends.
$(EXPLORE_PROGRAMS): $(BUILD)/user/%.exe: $(BUILD)/user-obj/tests/explore/%.o $(BUILD)/user/libntlab.a
	$(call say,ULINK,$@)$(CC) -o $@ $< $(SDK_PROGRAM_LDFLAGS)

# The race driver's program (tests/race; the driver is below).
$(BUILD)/user/raceapp.exe: $(BUILD)/user-obj/tests/race/raceapp.o $(BUILD)/user/libntlab.a
	$(call say,ULINK,$@)$(CC) -o $@ $< $(SDK_PROGRAM_LDFLAGS)

programs: $(USER_PROGRAMS) $(EXPLORE_PROGRAMS)
.SECONDARY: $(patsubst $(BUILD)/user/%.exe,$(BUILD)/user-obj/user/programs/%.o,$(USER_PROGRAMS))

# ---- Drivers -----------------------------------------------------------------
# Each directory drivers/NAME/ (all its .c files) becomes $(BUILD)/user/NAME.sys,
# next to the programs, where ntlab finds its boot modules: an x86-64 ELF
# shared object built freestanding against include/ntddk.h, position
# independent (the kernel's loader puts it anywhere in system space, and at
# the window's base plus that in the sanitizer build), its imports left
# undefined for the loader to bind to the kernel's export table. The linker
# script page-aligns PAGE sections so that they can be paged. GCC ignores
# #pragma alloc_text; drivers put PAGE routines there with
# __attribute__((section("PAGE"))).
# Drivers carry their DWARF (the stop screen's routine and line) and their
# frame pointers (its backtrace).
SDK_DRIVER_DEBUG := -g $(FRAME_POINTERS)
SDK_DRIVER_CFLAGS := -std=gnu11 -O2 $(SDK_DRIVER_DEBUG) -I$(TOP)/include \
                     -I$(TOP)/include/crt $(FREESTANDING) -fPIC \
                     -fno-stack-protector -fcf-protection=none \
                     -Wno-unknown-pragmas $(POINTS)
SDK_DRIVER_LDFLAGS := -shared -nostdlib -Wl,-T,$(TOP)/drivers/ntlab-driver.ld \
                      -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack \
                      -Wl,--build-id=none
DRIVER_FLAGS := $(SDK_DRIVER_CFLAGS) -DDBG=1 $(WARNINGS) -MMD -MP
DRIVER_NAMES := $(patsubst drivers/%/,%,$(sort $(dir $(wildcard drivers/*/*.c))))
DRIVERS := $(patsubst %,$(BUILD)/user/%.sys,$(DRIVER_NAMES))

$(BUILD)/driver-obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,DCC,$<)$(CC) $(DRIVER_FLAGS) -c -o $@ $<

define driver_rule
$(BUILD)/user/$(1).sys: $(patsubst %.c,$(BUILD)/driver-obj/%.o,$(wildcard drivers/$(1)/*.c)) drivers/ntlab-driver.ld
	@mkdir -p $$(@D)
	$$(call say,DLINK,$$@)$$(CC) -o $$@ $$(filter %.o,$$^) $$(SDK_DRIVER_LDFLAGS)
endef
$(foreach d,$(DRIVER_NAMES),$(eval $(call driver_rule,$(d))))

# race.sys (tests/race): a lost update held in, for the race tests and
# ntlab explore; built like a user's driver.
DRIVERS += $(BUILD)/user/race.sys
$(BUILD)/user/race.sys: $(BUILD)/driver-obj/tests/race/race.o drivers/ntlab-driver.ld
	@mkdir -p $(@D)
	$(call say,DLINK,$@)$(CC) -o $@ $(filter %.o,$^) $(SDK_DRIVER_LDFLAGS)

.PHONY: drivers
drivers: $(DRIVERS)
all check: drivers

# ---- Scenarios --------------------------------------------------------------
# The built-in scenarios (scenarios/*.scn and the tour's order, scenarios/tour)
# go next to ntlab in $(BUILD)/scenarios, where it finds them.
SCENARIO_FILES := $(patsubst scenarios/%,$(BUILD)/scenarios/%,\
                    $(wildcard scenarios/*.scn) scenarios/tour)

$(BUILD)/scenarios/%: scenarios/%
	@mkdir -p $(@D)
	@cp $< $@

.PHONY: scenarios
scenarios: $(SCENARIO_FILES)
all check: scenarios

# ---- The SDK ----------------------------------------------------------------
# $(BUILD)/sdk.mk is what a Makefile outside this tree includes to build
# drivers and programs for this build's ntlab: the flags above, with
# absolute paths (README, "Your own driver"; sdk/example).
$(BUILD)/sdk.mk: Makefile
	@mkdir -p $(@D)
	$(call say,GEN,$@){ \
	  echo '# The ntlab SDK for $(TOP)/$(BUILD)/ntlab (written by make).'; \
	  echo 'NTLAB := $(TOP)/$(BUILD)/ntlab'; \
	  echo '# A checked build (DBG=1) unless NTLAB_DBG=0 is set before this'; \
	  echo '# file is included or on the command line: a free build.'; \
	  echo 'NTLAB_DBG ?= 1'; \
	  echo 'NTLAB_DRIVER_CFLAGS := $(SDK_DRIVER_CFLAGS) -DDBG=$$(NTLAB_DBG)'; \
	  echo 'NTLAB_DRIVER_LDFLAGS := $(SDK_DRIVER_LDFLAGS)'; \
	  echo 'NTLAB_PROGRAM_CFLAGS := $(SDK_PROGRAM_CFLAGS) -DDBG=$$(NTLAB_DBG)'; \
	  echo 'NTLAB_PROGRAM_LDFLAGS := $(SDK_PROGRAM_LDFLAGS)'; \
	} > $@
all check: $(BUILD)/sdk.mk

# ---- The debugger -------------------------------------------------------------
# tools/ntlab-gdb (ntlab under gdb, with the drivers' symbols) and its gdb
# script go next to ntlab, which the script runs (docs/debugging.md).
GDB_TOOLS := $(BUILD)/ntlab-gdb $(BUILD)/ntlab-gdb.py

$(BUILD)/ntlab-gdb $(BUILD)/ntlab-gdb.py: $(BUILD)/%: tools/%
	@mkdir -p $(@D)
	$(call say,CP,$@)cp $< $@

.PHONY: gdb-tools
gdb-tools: $(GDB_TOOLS)
all check: gdb-tools

# The kernel's export table (what drivers import), generated from the
# driver API's NTKERNELAPI and NTSYSAPI declarations; compiled for i386 too.
EXPORTS_SRC := $(BUILD)/gen/exports.c
KERNEL_OBJ += $(BUILD)/obj/gen/exports.o
I386_OBJ += $(BUILD)/i386/gen/exports.o

$(EXPORTS_SRC): tools/gen-exports.pl include/ntddk.h $(wildcard include/nt/*.h)
	@mkdir -p $(@D)
	$(call say,GEN,$@)perl tools/gen-exports.pl include/ntddk.h > $@.tmp && \
	    mv $@.tmp $@

$(BUILD)/obj/gen/exports.o: $(EXPORTS_SRC)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_FLAGS) $(SANFLAGS) -I. -c -o $@ $<

$(BUILD)/i386/gen/exports.o: $(EXPORTS_SRC)
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(I386_FLAGS) -I. -c -o $@ $<

# The names of the status codes (rtl_status_name), from ntstatus.h.
STATUS_NAMES_SRC := $(BUILD)/gen/status_names.c
KERNEL_OBJ += $(BUILD)/obj/gen/status_names.o
I386_OBJ += $(BUILD)/i386/gen/status_names.o

$(STATUS_NAMES_SRC): tools/gen-status-names.pl include/nt/ntstatus.h
	@mkdir -p $(@D)
	$(call say,GEN,$@)perl tools/gen-status-names.pl include/nt/ntstatus.h \
	    > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/status_names.o: $(STATUS_NAMES_SRC)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_FLAGS) $(SANFLAGS) -I. -c -o $@ $<

$(BUILD)/i386/gen/status_names.o: $(STATUS_NAMES_SRC)
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(I386_FLAGS) -I. -c -o $@ $<

# Filters of __try blocks are nested functions whose trampolines live on
# kernel stacks (guest pages, executable); the host's own stack stays not.
LDFLAGS := -z noexecstack
# elfutils: the hosted platform's symbols (hal/hosted/symbols.c).
HOST_LIBS := -ldw -lelf

$(BUILD)/ntlab: $(KERNEL_OBJ) $(HAL_OBJ) $(NTLAB_OBJ)
	$(call say,LINK,$@)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/obj/kernel/%.o: kernel/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_FLAGS) $(SANFLAGS) -c -o $@ $<

$(BUILD)/ntlab-bench: $(KERNEL_OBJ) $(HAL_OBJ) $(BENCH_OBJ)
	$(call say,LINK,$@)$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $^ $(HOST_LIBS) -lpthread

$(BUILD)/obj/bench/kbench_%.o: bench/kbench_%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_FLAGS) $(SANFLAGS) -c -o $@ $<

$(BUILD)/obj/tests/kernel/%.o: tests/kernel/%.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(KERNEL_FLAGS) $(SANFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(HOST_FLAGS) $(SANFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(call say,AS,$<)$(CC) $(HOST_FLAGS) -c -o $@ $<

# The portability check: the kernel as i386 freestanding code.
$(BUILD)/i386/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CC32,$<)$(CC) $(I386_FLAGS) -c -o $@ $<

i386: $(I386_OBJ)

# ---- The pc platform ----------------------------------------------------------
# The same kernel/ and tests, with hal/pc, linked for i386 at 0x82800000 as
# a multiboot image (hal/pc/ntlab.ld). Its own objects: frame pointers on,
# position-dependent, no SSE in kernel code.
PC_BUILD := build/pc
PC_FLAGS := $(I386_FLAGS) $(FRAME_POINTERS) -fno-pie -fno-stack-protector \
            -fcf-protection=none -mno-sse -mno-mmx -mno-red-zone
PC_SRC := $(KERNEL_SRC) $(KTEST_SRC) $(sort $(wildcard hal/pc/*.c)) \
          hal/pc/entry.S hal/pc/switch.S hal/pc/vectors.S
PC_OBJ := $(patsubst %,$(PC_BUILD)/obj/%.o,$(basename $(PC_SRC))) \
          $(PC_BUILD)/obj/gen/exports.o $(PC_BUILD)/obj/gen/status_names.o

$(PC_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,CCPC,$<)$(CC) $(PC_FLAGS) -c -o $@ $<

$(PC_BUILD)/obj/%.o: %.S
	@mkdir -p $(@D)
	$(call say,ASPC,$<)$(CC) $(PC_FLAGS) -c -o $@ $<

$(PC_BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(call say,CCPC,$<)$(CC) $(PC_FLAGS) -I. -c -o $@ $<

$(PC_BUILD)/ntlab.elf: $(PC_OBJ) hal/pc/ntlab.ld
	$(call say,LINKPC,$@)ld -m elf_i386 -nostdlib -T hal/pc/ntlab.ld \
	    --build-id=none -z noexecstack --no-warn-rwx-segments -o $@ $(PC_OBJ)

# The probe tools/ntlab boots first to see whether KVM can run the pc
# platform's paging (else it uses TCG).
$(PC_BUILD)/kvm-probe.elf: hal/pc/probe.S
	@mkdir -p $(@D)
	$(call say,LINKPC,$@)$(CC) -m32 -nostdlib -static -no-pie \
	    -Wl,-Ttext=0x100000 -Wl,--build-id=none -Wl,-e,probe_entry \
	    -Wl,-z,noexecstack -o $@ $<

pc: $(PC_BUILD)/ntlab.elf $(PC_BUILD)/kvm-probe.elf

check-pc: $(BUILD)/ntlab pc
	NTLAB=$(BUILD)/ntlab prove -f tests/pc.t

# With qemu-system-i386 installed, check builds the pc image too, so that
# tests/pc.t runs the kernel as it is now (and a pc image that no longer
# links fails the check); the sanitizer build's pc.t skips, as pc runs no
# sanitizer.
PC_CHECK := $(if $(SAN),,$(if $(shell command -v qemu-system-i386 2>/dev/null),pc))

check: $(BUILD)/ntlab programs i386 $(PC_CHECK)
	@rm -rf $(BUILD)/t && mkdir -p $(BUILD)/t
	@$(BUILD)/ntlab test --list > $(BUILD)/t/suites
	@for s in $$(cat $(BUILD)/t/suites); do \
	  printf '#!/bin/sh\nexec "$$NTLAB" test %s\n' $$s > $(BUILD)/t/kernel-$$s.t; \
	done
	NTLAB=$(BUILD)/ntlab prove -f $(BUILD)/t/*.t tests/*.t

bench: $(BUILD)/ntlab-bench $(BUILD)/ntlab programs drivers scenarios
	$(BUILD)/ntlab-bench

# make fuzz SECONDS=N: the fuzzer's sweep of seeds for N seconds (default
# 600), in this build (SAN=... for the sanitizer one).
SECONDS ?= 600
fuzz: $(BUILD)/ntlab programs
	NTLAB=$(BUILD)/ntlab sh tests/fuzz/run seconds $(SECONDS)

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
