# umk: one Makefile.  Targets: all (./vmlinux), test, unit, asan, bench, run,
# image, clean.  See README.md.

CC      ?= gcc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -fno-strict-aliasing -fno-omit-frame-pointer
CPPFLAGS += -iquote kernel -iquote arch -iquote . -D_GNU_SOURCE -MMD -MP
LDLIBS  += -lseccomp

# Every kernel source file; the stub is a separate freestanding program.
SRCS := $(wildcard kernel/*.c kernel/mm/*.c kernel/net/*.c kernel/fs/*.c \
	  kernel/fs/ext4/*.c kernel/fs/proc/*.c \
	  drivers/*.c ubd/*.c hostfs/*.c arch/x86_64/*.c arch/x86_64/*.S \
	  arch/host/*.c arch/host/*.S)
SRCS := $(filter-out arch/host/stub.c,$(SRCS))

BUILD   := build
OBJS    := $(patsubst %,$(BUILD)/%.o,$(SRCS))
ASAN_OBJS := $(patsubst %,$(BUILD)/asan/%.o,$(SRCS))

all: vmlinux

vmlinux: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The stub: a freestanding static program linked at STUB_BASE, embedded in
# vmlinux by arch/host/stub_blob.S.
STUB_CFLAGS := -O2 -g0 -ffreestanding -fno-stack-protector -fpie -no-pie \
	-mgeneral-regs-only -fcf-protection=none -nostdlib -static \
	-fno-asynchronous-unwind-tables -Wl,-T,arch/host/stub.lds \
	-Wl,--build-id=none -Wall -Wextra -Werror
$(BUILD)/stub: arch/host/stub.c arch/host/stub.lds arch/host/stub.h
	@mkdir -p $(dir $@)
	$(CC) $(STUB_CFLAGS) -o $@ $<
$(BUILD)/arch/host/stub_blob.S.o $(BUILD)/asan/arch/host/stub_blob.S.o: $(BUILD)/stub

# The sanitizer build: same sources, ASan + UBSan.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
vmlinux-asan: $(ASAN_OBJS)
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/asan/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC [asan] $<"
	@$(CC) $(CPPFLAGS) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) -c -o $@ $<

$(BUILD)/asan/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

clean: test-clean
	rm -rf $(BUILD) vmlinux vmlinux-asan tests/unit/*_test

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d)

.PHONY: all clean

# Host-side unit tests of pure code: each tests/unit/X_test.c #includes the
# kernel sources it tests and links with the harness.
UNIT_TESTS := $(patsubst %.c,%,$(wildcard tests/unit/*_test.c))
KERNEL_SRCS := $(wildcard kernel/*.[ch] kernel/*/*.[ch] kernel/*/*/*.[ch] \
		 drivers/*.[ch] arch/*/*.h)
tests/unit/%_test: tests/unit/%_test.c tests/unit/harness.c tests/unit/unit.h \
		$(KERNEL_SRCS)
	$(CC) $(CPPFLAGS) -iquote tests/unit $(CFLAGS) -fsanitize=address,undefined -o $@ $< tests/unit/harness.c

unit: $(UNIT_TESTS)
	@set -e; for t in $(UNIT_TESTS); do ./$$t; done

.PHONY: unit

# Fuzzing the ext4 driver with libFuzzer (clang): tests/fuzz/ext4_fuzz.c
# says how.  ext4_fuzz checks metadata checksums, ext4_fuzz_nocsum takes
# them all as good.  fuzz-regress replays the saved crashers (seconds);
# fuzz-run fuzzes each build for FUZZ_TIME seconds from the seed corpus.
FUZZ_CC    ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined
FUZZ_BINS  := $(BUILD)/fuzz/ext4_fuzz $(BUILD)/fuzz/ext4_fuzz_nocsum
FUZZ_SEEDS := $(BUILD)/fuzz/seeds
FUZZ_TIME  ?= 300
FUZZ_RUN   := -timeout=10 -rss_limit_mb=2048 -max_len=300000 \
	      -print_final_stats=1

$(BUILD)/fuzz/ext4_fuzz: FUZZ_DEFS :=
$(BUILD)/fuzz/ext4_fuzz_nocsum: FUZZ_DEFS := -DEXT4_FUZZ_IGNORE_CSUM
$(FUZZ_BINS): tests/fuzz/ext4_fuzz.c tests/unit/harness.c \
		tests/unit/ext4_driver.h $(KERNEL_SRCS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(filter-out -MMD -MP,$(CPPFLAGS)) -iquote tests/unit \
		$(CFLAGS) $(FUZZ_FLAGS) $(FUZZ_DEFS) -o $@ $< tests/unit/harness.c

$(FUZZ_SEEDS)/.done: tests/fuzz/mkseeds.sh
	tests/fuzz/mkseeds.sh $(FUZZ_SEEDS)
	@touch $@

fuzz: $(FUZZ_BINS) $(FUZZ_SEEDS)/.done

# The crashers are kept gzipped (mostly zeros: a few KiB each).
FUZZ_REGRESS := $(BUILD)/fuzz/regress
fuzz-regress: $(FUZZ_BINS)
	@rm -rf $(FUZZ_REGRESS) && mkdir -p $(FUZZ_REGRESS)
	@for f in tests/fuzz/crashers/*.gz; do \
		gzip -dc $$f >$(FUZZ_REGRESS)/$$(basename $$f .gz); done
	@set -e; for f in $(FUZZ_BINS); do \
		echo "  FUZZ-REGRESS $$f"; \
		$$f -runs=1 -timeout=30 $(FUZZ_REGRESS)/* >$(FUZZ_REGRESS).log 2>&1 || \
			{ cat $(FUZZ_REGRESS).log; exit 1; }; \
	done

fuzz-run: fuzz
	@set -e; for f in $(FUZZ_BINS); do \
		mkdir -p $$f.corpus $$f.crashes; \
		$$f $(FUZZ_RUN) -max_total_time=$(FUZZ_TIME) \
			-artifact_prefix=$$f.crashes/ $$f.corpus $(FUZZ_SEEDS); \
	done

.PHONY: fuzz fuzz-regress fuzz-run

# Tests: unit tests, then the bats suites (tests/tests.mk builds the guest
# programs and the test image).
include tests/tests.mk

test: vmlinux unit fuzz-regress $(TEST_DEPS)
	$(BATS) $(BATS_FLAGS) tests/

# The sanitizer build passes the same suites.
test-asan: vmlinux-asan $(TEST_DEPS)
	VMLINUX=$(CURDIR)/vmlinux-asan $(BATS) $(BATS_FLAGS) tests/

asan: vmlinux-asan

# The default image, built on first use; `make run` boots it.
IMAGE := images/rootfs.img
image: $(IMAGE)
$(IMAGE):
	@mkdir -p $(dir $@)
	tools/mkrootfs busybox $@

run: vmlinux $(IMAGE)
	./vmlinux ubd0=$(IMAGE)

.PHONY: test test-asan asan image run

# Benchmarks against native and User-Mode Linux: docs/BENCHMARKS.md
# (make bench BENCH_FLAGS=--quick for a short run).  The Debian rows use
# the tests' Debian image; when it cannot be built they say n/a.
bench: vmlinux image debian-image
	DEBIAN_IMAGE=$(DEBIAN_IMAGE) tools/bench/run $(BENCH_FLAGS)

.PHONY: bench

# The compatibility page, from the syscall table.
syscall-doc:
	tools/syscall-doc

.PHONY: syscall-doc
