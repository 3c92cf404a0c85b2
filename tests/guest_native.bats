#!/usr/bin/env bats
# The guest test programs themselves, on the host: they build, they pass
# natively (otherwise the test is wrong), and each has a differential test.
# Needs no kernel.
# bats file_tags=native

load helpers/common

setup_file() { umk_setup_file; }

@test "every guest program passes natively" {
	run "$UMK_REPO/tests/helpers/run-native" "$UMK_REPO/tests/guest/bin"
	echo "$output" | grep -v '^ok ' >&2
	[ "$status" -eq 0 ]
}

@test "every guest program has a differential test" {
	missing=()
	for f in "$UMK_REPO"/tests/guest/*.c; do
		name=$(basename "$f" .c)
		[[ -x $UMK_REPO/tests/guest/bin/$name ]] ||
			missing+=("$name (not built)")
		grep -qx "	differential $name" "$UMK_REPO/tests/differential.bats" ||
			missing+=("$name (no test in differential.bats)")
	done
	[[ ${#missing[@]} -eq 0 ]] || {
		printf '# %s\n' "${missing[@]}" >&2
		return 1
	}
}

@test "guest programs are static" {
	for f in "$UMK_REPO"/tests/guest/bin/*; do
		if readelf -lW "$f" | grep -q 'Requesting program interpreter'; then
			echo "# $f is dynamically linked" >&2
			return 1
		fi
	done
}

@test "guest programs print the same thing twice (deterministic)" {
	cd /tmp
	for f in "$UMK_REPO"/tests/guest/bin/*; do
		a=$(env -i "$f" </dev/null 2>&1; echo "status=$?")
		b=$(env -i "$f" </dev/null 2>&1; echo "status=$?")
		[[ $a == "$b" ]] || {
			echo "# ${f##*/} printed different things:" >&2
			diff <(echo "$a") <(echo "$b") | sed 's/^/#   /' >&2
			return 1
		}
	done
}
