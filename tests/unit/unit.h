/*
 * Tiny assertion helpers for tests/unit/.  A failed CHECK prints the file,
 * line and expression and makes the test exit non-zero at the end.
 */
#ifndef TESTS_UNIT_H
#define TESTS_UNIT_H

#include <stdio.h>

static int unit_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
			unit_failures++;                                       \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long _a = (long long)(a), _b = (long long)(b);            \
		if (_a != _b) {                                                \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, " \
				"%s = %lld\n", __FILE__, __LINE__, #a, _a, #b, \
				_b);                                           \
			unit_failures++;                                       \
		}                                                              \
	} while (0)

static inline int
unit_done(const char *name)
{
	printf("%s: %s\n", name, unit_failures ? "FAIL" : "ok");
	return unit_failures != 0;
}

#endif
