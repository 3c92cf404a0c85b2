#!/usr/bin/env bats
# ubd disks: copy-on-write overlays, two disks, block device I/O.
# bats file_tags=ubd,kernel

load helpers/common

setup_file() { umk_setup_file; }
setup() { umk_setup; }
teardown() { umk_teardown; }

# A private base image and a place for overlays the test user can write.
cow_dir() {
	local d=$UMK_T/cow
	mkdir -p "$d"
	chmod 777 "$d"
	echo "$d"
}

@test "a COW overlay takes the writes; the base image is never modified" {
	img=$(test_image)
	d=$(cow_dir)
	cp "$img" "$d/base.img"
	chmod 644 "$d/base.img"
	sum=$(sha256sum <"$d/base.img")
	run --separate-stderr run_vmlinux "ubd0=$img" "ubd1=$d/cow.img,$d/base.img" \
		init=/bin/sh -- -c 'echo hello-cow | dd of=/dev/ubdb bs=512 seek=100 2>/dev/null
dd if=/dev/ubdb bs=512 skip=100 count=1 2>/dev/null | head -c 9; echo
poweroff -f'
	assert_ok
	assert_output_contains "hello-cow"
	[[ -f $d/cow.img ]]
	[[ $(sha256sum <"$d/base.img") == "$sum" ]]
	# a second boot with the overlay alone sees the same data
	run --separate-stderr run_vmlinux "ubd0=$d/cow.img" \
		init=/bin/sh -- -c 'dd if=/dev/ubda bs=512 skip=100 count=1 2>/dev/null | head -c 9; echo
poweroff -f'
	assert_ok
	assert_output_contains "hello-cow"
	[[ $(sha256sum <"$d/base.img") == "$sum" ]]
}

@test "a backing image in use by another instance cannot be written meanwhile" {
	img=$(test_image)
	d=$(cow_dir)
	run --separate-stderr run_vmlinux "ubd0=$img" "ubd1=$d/c2.img,$img" \
		init=/bin/sh -- -c 'poweroff -f'
	[[ $status -eq 1 ]]
	[[ $stderr == *"backing image"* ]]
}

@test "the root can boot from a COW overlay" {
	img=$(test_image)
	d=$(cow_dir)
	run --separate-stderr run_vmlinux "ubd0=$d/root-cow.img,$img" \
		init=/bin/sh -- -c 'ls /bin/busybox; poweroff -f'
	assert_ok
	assert_output_contains "/bin/busybox"
	[[ -f $d/root-cow.img ]]
}

@test "an overlay whose backing image changed is refused" {
	img=$(test_image)
	d=$(cow_dir)
	run --separate-stderr run_vmlinux "ubd0=$d/c.img,$img" init=/bin/sh -- -c 'poweroff -f'
	assert_ok
	touch -d '2001-01-01' "$img"
	run --separate-stderr run_vmlinux "ubd0=$d/c.img" init=/bin/sh -- -c 'poweroff -f'
	[[ $status -eq 1 ]]
	[[ $stderr == *"backing image changed"* ]]
}

@test "a file that is not an overlay and a missing backing image are refused" {
	d=$(cow_dir)
	run --separate-stderr run_vmlinux "ubd0=$d/new.img,$d/missing.img" init=/bin/sh
	[[ $status -eq 1 ]]
	[[ $stderr == *"cannot open the backing image"* ]]
}

@test "two disks: the second one reads as a block device" {
	img=$(test_image)
	d=$(cow_dir)
	head -c 1M /dev/urandom >"$d/data.img"
	chmod 666 "$d/data.img"
	want=$(head -c 4096 "$d/data.img" | sha256sum | cut -d' ' -f1)
	run --separate-stderr run_vmlinux "ubd0=$img" "ubd1=$d/data.img" \
		init=/bin/sh -- -c 'head -c 4096 /dev/ubdb | sha256sum
poweroff -f'
	assert_ok
	assert_output_contains "$want"
}
