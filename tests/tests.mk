# Test support, included by the top Makefile (it also works alone:
# make -f tests/tests.mk guest-progs).  See README.md.
#
#   guest-progs   tests/guest/bin/NAME, static, one per tests/guest/NAME.c
#   musl-progs    tests/musl/bin: musl programs, dynamic and static-PIE
#   test-image    $(TEST_IMAGE): busybox + /tests/NAME + /testdata, for bats
#   debian-image  $(DEBIAN_IMAGE): Debian bookworm, for tests/debian.bats
#   guest-check   run every guest program natively; all must pass
#   bats          run the bats suites (BATS_FLAGS, e.g. --filter-tags boot)
#   test-clean    remove the guest programs and the test images
#
# TEST_DEPS is what `make test` needs before `bats tests/`.

CC ?= gcc
BATS ?= bats
BATS_FLAGS ?=

GUEST_CC      ?= $(CC)
GUEST_CFLAGS  ?= -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -Wno-unused-parameter
GUEST_LDFLAGS ?= -static -s
GUEST_SRCS    := $(wildcard tests/guest/*.c)
GUEST_BINS    := $(patsubst tests/guest/%.c,tests/guest/bin/%,$(GUEST_SRCS))
# A few programs again as static-PIE, which the loader places itself.
GUEST_PIE     := proc_args sig_handler thread_create_join mm_brk
GUEST_BINS    += $(patsubst %,tests/guest/bin/%.pie,$(GUEST_PIE))
# Robustness programs: run only inside the guest, never natively.
ROBUST_SRCS   := $(wildcard tests/robust/*.c)
GUEST_BINS    += $(patsubst tests/robust/%.c,tests/guest/bin/%,$(ROBUST_SRCS))

TEST_IMAGE_DIR := build/test
TEST_IMAGE     := $(TEST_IMAGE_DIR)/rootfs.img

TEST_DEPS := guest-progs test-image debian-image

guest-progs: $(GUEST_BINS)

tests/guest/bin/%: tests/guest/%.c tests/guest/guest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $<

tests/guest/bin/%: tests/robust/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $<

tests/guest/bin/%.pie: tests/guest/%.c tests/guest/guest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -fPIE -static-pie -s -o $@ $<

# musl programs (tests/musl.bats), when musl-gcc is there: dynamically
# linked (PT_INTERP /lib/ld-musl-x86_64.so.1) as a PIE and not, with a
# library found through $$ORIGIN and a plugin to dlopen, and a static PIE
# (musl-gcc's specs know no -static-pie: rcrt1.o by hand).
MUSL_CC     ?= musl-gcc
MUSL_LIBDIR ?= /usr/lib/x86_64-linux-musl
MUSL_BIN    := tests/musl/bin
MUSL_CFLAGS := -O2 -Wall -Wextra -Werror -Wno-unused-parameter
MUSL_PROGS  := $(addprefix $(MUSL_BIN)/,libmusl_dep.so libmusl_plug.so \
		 musl_dyn musl_dyn_pie musl_static_pie)
MUSL_DYN    := -L$(MUSL_BIN) -lmusl_dep -Wl,-rpath,'$$ORIGIN'

musl-progs: $(MUSL_PROGS)

$(MUSL_BIN)/lib%.so: tests/musl/%.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -shared -fPIC -o $@ $<

$(MUSL_BIN)/musl_dyn: tests/musl/musl_facts.c $(MUSL_BIN)/libmusl_dep.so
	$(MUSL_CC) $(MUSL_CFLAGS) -no-pie -o $@ $< $(MUSL_DYN)

$(MUSL_BIN)/musl_dyn_pie: tests/musl/musl_facts.c $(MUSL_BIN)/libmusl_dep.so
	$(MUSL_CC) $(MUSL_CFLAGS) -fPIE -pie -o $@ $< $(MUSL_DYN)

$(MUSL_BIN)/musl_static_pie: tests/musl/musl_facts.c
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(MUSL_CFLAGS) -DSTATIC -fPIE -static -nostartfiles \
		-Wl,-pie,--no-dynamic-linker,-z,text -o $@ \
		$(MUSL_LIBDIR)/rcrt1.o $(MUSL_LIBDIR)/crti.o \
		$$($(MUSL_CC) -print-file-name=crtbeginS.o) $< \
		$$($(MUSL_CC) -print-file-name=crtendS.o) $(MUSL_LIBDIR)/crtn.o

# The image also holds mkimage's data tree under /testdata; its
# expected contents stay in $(TEST_IMAGE_DIR)/data for the tests to compare.
test-image: $(TEST_IMAGE)

$(TEST_IMAGE): $(GUEST_BINS) tools/mkrootfs tests/helpers/mkimage \
		tests/helpers/image-hook.sh
	tests/helpers/mkimage $@ tests/guest/bin

# The Debian image: tools/mkrootfs debian, with mmdebstrap's tarball kept in
# $(DEBIAN_CACHE) and reused while the package list and mirror stay the same,
# so a change to mkrootfs costs an unpack and mke2fs (a minute), not a
# download.  The first build needs the network.  If it fails, make carries
# on: $(DEBIAN_IMAGE).error says why, and debian.bats skips its tests (or
# fails them in CI); the next make tries again.
DEBIAN_IMAGE := $(TEST_IMAGE_DIR)/debian.img
DEBIAN_CACHE := $(TEST_IMAGE_DIR)/debian-cache

debian-image: $(DEBIAN_IMAGE)

$(DEBIAN_IMAGE): tools/mkrootfs
	@mkdir -p $(dir $@)
	@rm -f $@.error
	@echo "  MKROOTFS debian $@"
	@if tools/mkrootfs debian $@ --cache $(DEBIAN_CACHE) 2>$@.log; then \
		chmod 644 $@; \
	else \
		mv -f $@.log $@.error; cat $@.error >&2; \
		echo "debian-image: not built: tests/debian.bats will skip" >&2; \
	fi

guest-check: $(GUEST_BINS)
	tests/helpers/run-native tests/guest/bin

bats: $(TEST_DEPS)
	$(BATS) $(BATS_FLAGS) tests/

test-clean:
	rm -rf tests/guest/bin $(MUSL_BIN) $(TEST_IMAGE_DIR)

.PHONY: guest-progs musl-progs test-image debian-image guest-check bats test-clean
