/* Poise: the frame, one complete four-cell sample from any plate.
 *
 * Every device backend (usb, wbb, sim, replay) produces frames; the
 * acquisition thread hands them to the main thread through a frame_ring;
 * the pipeline turns them into COP samples.
 */
#ifndef POISE_CORE_FRAME_H
#define POISE_CORE_FRAME_H

#include <stdint.h>

/* Host monotonic time (CLOCK_MONOTONIC) in microseconds. */
typedef uint64_t mono_us;

/* The four load cells in canonical order, as seen by the patient standing
 * on the plate: top = anterior (toes), left = the patient's left. */
enum cell {
	CELL_TL = 0,
	CELL_TR = 1,
	CELL_BL = 2,
	CELL_BR = 3,
	CELL_COUNT = 4
};

/* What a frame's flags mean. A backend sets them; the pipeline ORs them
 * into the COP sample that the frame contributes to. */
enum frame_flag {
	FRAME_GAP = 1u << 0,          /* frames were lost right before this one
	                               * (sequence gap, CRC drop, ring overflow) */
	FRAME_OVERRANGE_TL = 1u << 1, /* the cell's ADC saturated: force invalid */
	FRAME_OVERRANGE_TR = 1u << 2,
	FRAME_OVERRANGE_BL = 1u << 3,
	FRAME_OVERRANGE_BR = 1u << 4,
	FRAME_ADC_FAULT = 1u << 5,    /* the device reports a converter fault */
	FRAME_BATTERY_LOW = 1u << 6,  /* the device's battery is nearly empty */
};

#define FRAME_OVERRANGE(cell) (FRAME_OVERRANGE_TL << (cell))
#define FRAME_OVERRANGE_ANY \
	(FRAME_OVERRANGE_TL | FRAME_OVERRANGE_TR | FRAME_OVERRANGE_BL | FRAME_OVERRANGE_BR)

typedef struct poise_frame {
	mono_us t_us;                /* host time the sample was taken */
	uint32_t seq;                /* device sequence number (wraps) */
	uint32_t flags;              /* enum frame_flag bits */
	double force_n[CELL_COUNT];  /* vertical force per cell, newtons */
} poise_frame;

#endif
