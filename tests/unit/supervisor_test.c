/* supervisor_test.c — how long the supervisor's loop waits for a signal: never a
 * negative time (which sigtimedwait would not take, and an older loop turned into a
 * wait for ever with no worker alive), never past a start that is due. */
#include "check.h"
#include "supervisor.h"

#define S "supervisor"

int main(void)
{
	long now = 100000;

	check(S, "idle: the idle wait", supervisor_wait_ms(now, 0, -1, -1) == SUPERVISOR_IDLE_MS,
	      "%ld", supervisor_wait_ms(now, 0, -1, -1));
	check(S, "a worker loading: its readiness is polled",
	      supervisor_wait_ms(now, 1, -1, -1) == SUPERVISOR_POLL_MS, "%ld",
	      supervisor_wait_ms(now, 1, -1, -1));
	check(S, "a restart due in 300 ms: 300", supervisor_wait_ms(now, 0, now + 300, -1) == 300,
	      "%ld", supervisor_wait_ms(now, 0, now + 300, -1));
	check(S, "a restart due already (the clock went past it): 0, not negative",
	      supervisor_wait_ms(now, 0, now - 7, -1) == 0, "%ld",
	      supervisor_wait_ms(now, 0, now - 7, -1));
	check(S, "a restart due long ago: 0", supervisor_wait_ms(now, 0, 0, -1) == 0, "%ld",
	      supervisor_wait_ms(now, 0, 0, -1));
	check(S, "a spare due already: 0", supervisor_wait_ms(now, 1, -1, now - 1) == 0, "%ld",
	      supervisor_wait_ms(now, 1, -1, now - 1));
	check(S, "the earliest of restart and spare",
	      supervisor_wait_ms(now, 0, now + 400, now + 150) == 150, "%ld",
	      supervisor_wait_ms(now, 0, now + 400, now + 150));
	check(S, "a far restart while loading: the poll",
	      supervisor_wait_ms(now, 1, now + 5000, -1) == SUPERVISOR_POLL_MS, "%ld",
	      supervisor_wait_ms(now, 1, now + 5000, -1));
	check(S, "a restart in 5 s when idle: the idle wait, then again",
	      supervisor_wait_ms(now, 0, now + 5000, -1) == SUPERVISOR_IDLE_MS, "%ld",
	      supervisor_wait_ms(now, 0, now + 5000, -1));
	for (long at = now - 3000; at <= now + 3000; at += 1) {
		long ms = supervisor_wait_ms(now, 0, at, at + 5);
		if (ms < 0 || ms > SUPERVISOR_IDLE_MS || (at <= now && ms != 0)) {
			check(S, "never negative, never past a due start", 0, "at %ld: %ld",
			      at - now, ms);
			return check_exit();
		}
	}
	check(S, "never negative, never past a due start", 1, "");
	return check_exit();
}
