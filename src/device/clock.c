#include <errno.h>
#include <time.h>

#include "device/device.h"

mono_us dev_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (mono_us)ts.tv_sec * 1000000u + (mono_us)ts.tv_nsec / 1000u;
}

void dev_sleep_until(mono_us t_us)
{
	struct timespec ts = {.tv_sec = (time_t)(t_us / 1000000u),
	                      .tv_nsec = (long)(t_us % 1000000u) * 1000};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}
