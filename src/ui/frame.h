/* Poise: the app's frame clock, and what each frame costs.
 *
 * Pacing ("late latching"): a frame's work (the events, reading the ring,
 * the game, drawing, presenting) starts as late as it can and still present by the
 * frame's deadline, so it draws the newest samples; the deadlines come at
 * the display's rate on the monotonic clock the samples carry, and the wait
 * before the work is an absolute sleep to the microsecond (not a whole
 * number of milliseconds), so no frame starts a frame late. The expected
 * work is the 90th percentile of the last 32 frames' plus a millisecond.
 * A frame that cannot make its deadline any more starts at once (a slow
 * machine runs as fast as it can, never waits for the next deadline).
 * And when the next sample is due to land in the ring just after that
 * moment (within UI_LATCH_SLACK_US), the frame waits for it rather than
 * leave it a whole frame in the ring: samples come at 100 Hz and frames
 * at 60 Hz, so without this a sample landing just after a read waits 16.7
 * ms; the present then slips by at most the slack. The samples' delay
 * from their timestamp to the ring is learnt from the frames (the least
 * gap between a newest sample and the read that found it).
 *
 * Measurement (for --frame-stats, --frame-log and the benchmark): per
 * frame, its work (events, the ring, the game, drawing) up to the return
 * of SDL_RenderPresent (wall and main-thread CPU), the present alone, and
 * the newest sample it drew, so sample-to-photon latency can be computed
 * from the samples' own timestamps; over the run, the process's CPU time
 * per second.
 *
 * Main thread. No allocation after ui_frames_init() but the log file.
 */
#ifndef POISE_UI_FRAME_H
#define POISE_UI_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/frame.h"

#define UI_FRAMES_KEEP 4096 /* frames whose costs are kept for the percentiles */
#define UI_FRAMES_PREDICT 32
#define UI_LATCH_SLACK_US 3000 /* a frame may wait this long for a sample */
#define UI_ARRIVALS 64         /* frames whose sample delays are kept */

typedef struct ui_frames {
	mono_us period_us;
	mono_us deadline_us;  /* when the next present is due */
	mono_us start_us;     /* ui_frames_init() */
	mono_us warmup_us;    /* statistics leave out the first two seconds */
	mono_us work0_us;     /* ui_frames_begin() of the current frame */
	double cpu0_s;
	float work_ms[UI_FRAMES_KEEP];    /* work start → present returned */
	float cpu_ms[UI_FRAMES_KEEP];     /* main-thread CPU of that */
	float present_ms[UI_FRAMES_KEEP]; /* SDL_RenderPresent alone */
	float recent_ms[UI_FRAMES_PREDICT];
	size_t n, n_recent;
	mono_us last_newest_us; /* the newest sample of the last frame */
	float arrival_ms[UI_ARRIVALS]; /* read time − newest sample, when new */
	size_t n_arrival;
	double proc_cpu0_s;   /* process CPU time at the end of the warm-up */
	mono_us proc_t0_us;
	FILE *log;            /* --frame-log: one line per frame, or NULL */
} ui_frames;

/* Starts the clock at hz frames per second; log_path (may be NULL) gets a
 * line per frame: "present_us newest_us work_ms cpu_ms present_ms" (times
 * on the monotonic clock of the samples' t_us; newest_us 0 when no sample
 * was drawn). Returns false with a sentence in msg if the log cannot be
 * created (the file is 0600). */
bool ui_frames_init(ui_frames *f, double hz, const char *log_path, char *msg, size_t msg_len);

/* Closes the log. */
void ui_frames_free(ui_frames *f);

/* Sleeps until this frame's work should start: the next deadline minus the
 * expected work, or a little later when the next sample lands then (see
 * above; newest_us: the newest sample drawn so far, 0 if none; sample_hz:
 * their rate, 0 if unknown). Called at the top of the frame loop; the
 * events and the ring are read right after. */
void ui_frames_wait(ui_frames *f, mono_us newest_us, double sample_hz);

/* The frame's work starts now (events, then the ring). */
void ui_frames_begin(ui_frames *f);

/* SDL_RenderPresent returned; it was called at present_from_us. newest_us:
 * the t_us of the newest sample the frame was drawn from (0: none). Books
 * the frame and moves the deadline on (a frame that ran late does not make
 * the next ones race to catch up). */
void ui_frames_end(ui_frames *f, mono_us present_from_us, mono_us newest_us);

/* One line of percentiles to out (frames after the first two seconds):
 * work p50/p99/max, its CPU p50/p99, the present p50/p99, and the
 * process's CPU in % of one core. Nothing if fewer than 10 frames. */
void ui_frames_report(ui_frames *f, FILE *out, int w, int h);

#endif
