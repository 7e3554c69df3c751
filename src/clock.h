/* clock.h — the one clock: the time of day for what pages show and validators compare,
 * a steady count for timeouts and intervals. */
#ifndef QUIRE_CLOCK_H
#define QUIRE_CLOCK_H

#include <time.h>

/* The time of day, in seconds since the epoch. */
time_t clock_now(void);
/* The time of day in milliseconds since the epoch (to compare with file times). */
long long clock_now_ms(void);
/* Milliseconds on a clock that never jumps (CLOCK_MONOTONIC): for timeouts. */
long clock_ms(void);

#endif
