/*
 * Time arithmetic shared by everything that takes a timeout from a guest
 * (time.c, poll.c, futex.c, signals, timers).  Guest values can be huge:
 * conversions saturate instead of overflowing, and a saturated deadline
 * means "never".
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#include "sched.h"

#define NSEC_PER_SEC 1000000000LL
/* Far enough to be forever, small enough to add to "now". */
#define KTIME_MAX (INT64_MAX / 4)

/* sec and nsec (both >= 0) in ns, saturating at KTIME_MAX. */
static inline int64_t
ktime_from(int64_t sec, int64_t nsec)
{
	if (sec >= KTIME_MAX / NSEC_PER_SEC)
		return KTIME_MAX;
	return sec * NSEC_PER_SEC + nsec;
}

/* The deadline ns from now (a saturated ns gives a deadline of "never"). */
static inline int64_t
ktime_after(int64_t ns)
{
	return ns >= KTIME_MAX ? KTIME_MAX : ktime_now() + ns;
}

#endif
