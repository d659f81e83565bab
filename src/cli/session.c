/* What the commands that run a session share: the engine for the chosen
 * plate, and Ctrl-C/SIGTERM as something to poll. */
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "cli/cli.h"
#include "core/error.h"
#include "device/device.h"
#include "session/engine.h"

#define RING_FRAMES 65536 /* 16 s at 4 kHz: a stalled main thread loses nothing */

int cli_engine_open(dev *d, bool direct, ses_engine **out)
{
	ses_source *src = NULL;
	int rc = direct ? ses_source_direct(&src, d) : ses_source_thread(&src, d, RING_FRAMES);
	if (rc) {
		dev_close(d);
		return rc;
	}
	ses_cfg sc;
	ses_cfg_default(&sc, &src->info);
	rc = ses_create(out, src, &sc);
	if (rc)
		ses_source_destroy(src);
	return rc;
}

void cli_signals_block(cli_signals *s)
{
	sigemptyset(&s->set);
	sigaddset(&s->set, SIGINT);
	sigaddset(&s->set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &s->set, &s->old);
}

int cli_signal_pending(const cli_signals *s, int wait_ms)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait_ms * 1000000L};
	int sig = sigtimedwait(&s->set, NULL, &ts);
	return sig > 0 ? sig : 0;
}

void cli_signals_restore(cli_signals *s)
{
	while (cli_signal_pending(s, 0)) /* a late Ctrl-C: the work is already saved */
		;
	pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}
