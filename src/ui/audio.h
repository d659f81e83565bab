/* Poise: sound cues, synthesised (no sound files): a chime for a hit, a
 * soft low tone for a miss, an arpeggio for a level change. Each game has
 * its own timbre (its "palette"). Sound is a bonus: if no audio device
 * opens, everything else works silently.
 */
#ifndef POISE_UI_AUDIO_H
#define POISE_UI_AUDIO_H

#include "core/sonify.h"

enum sound_cue {
	SOUND_TARGET,
	SOUND_HIT,
	SOUND_MISS,
	SOUND_LEVEL_UP,
	SOUND_LEVEL_DOWN,
	SOUND_PAUSE,
	SOUND_FINISH,
	SOUND_START,
	SOUND_CUE_LEFT,    /* head-turn cues: a two-note call from that side */
	SOUND_CUE_CENTRE,
	SOUND_CUE_RIGHT,
	SOUND_PROMPT,      /* a thinking-task prompt: a soft knock */
	SOUND_RIGHT,       /* an answer: right (a light ding) ... */
	SOUND_WRONG,       /* ... or wrong (a soft low buzz) */
};

enum sound_palette {
	PALETTE_BELL,   /* reach: glassy bells */
	PALETTE_SNOW,   /* slalom: bright triangle tones with a swish */
	PALETTE_WATER,  /* still water: drops sliding down in pitch */
	PALETTE_FLUTE,  /* tracking: soft, airy */
	PALETTE_WOOD,   /* maze: wooden clicks */
	PALETTE_COUNT
};

typedef struct audio audio;

/* Opens the default output (SDL audio must be initialised), stereo, with
 * a small buffer (256 frames, 5.8 ms) so the sonified COP keeps up with
 * the display. NULL if there is none: callers pass NULL on to audio_play
 * and audio_sonify, which then do nothing. */
audio *audio_open(void);

void audio_close(audio *a);

/* Starts a cue in the palette's timbre; never blocks. */
void audio_play(audio *a, enum sound_cue cue, enum sound_palette p);

/* The sonified centre of pressure (core/sonify.h): the frame the
 * synthesiser glides to (f->on false: silence). Cheap; call per sample.
 * Never blocks for long (the audio lock, a few µs). */
void audio_sonify(audio *a, const son_frame *f);

/* The palette of a game id ("reach" → PALETTE_BELL). */
enum sound_palette audio_palette_for(const char *game_id);

#endif
