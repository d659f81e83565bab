/* Poise: sound cues, synthesised (no sound files): a chime for a hit, a
 * soft low tone for a miss, an arpeggio for a level change. Each game has
 * its own timbre (its "palette"). Sound is a bonus: if no audio device
 * opens, everything else works silently.
 */
#ifndef POISE_UI_AUDIO_H
#define POISE_UI_AUDIO_H

enum sound_cue {
	SOUND_TARGET,
	SOUND_HIT,
	SOUND_MISS,
	SOUND_LEVEL_UP,
	SOUND_LEVEL_DOWN,
	SOUND_PAUSE,
	SOUND_FINISH,
	SOUND_START,
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

/* Opens the default output (SDL audio must be initialised). NULL if there
 * is none: callers pass NULL on to audio_play, which then does nothing. */
audio *audio_open(void);

void audio_close(audio *a);

/* Starts a cue in the palette's timbre; never blocks. */
void audio_play(audio *a, enum sound_cue cue, enum sound_palette p);

/* The palette of a game id ("reach" → PALETTE_BELL). */
enum sound_palette audio_palette_for(const char *game_id);

#endif
