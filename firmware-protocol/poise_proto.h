/* Poise USB force-plate protocol, version 1: constants and pure
 * encode/decode functions shared by the host (src/device/usbplate.c) and the
 * firmware (firmware/plate_fw.c). PROTOCOL.md is the specification; this
 * file is its executable form.
 *
 * No dependencies beyond the C standard headers below, no allocation, no
 * I/O: every function maps bytes to a struct or back. All multi-byte fields
 * are little-endian on the wire, whatever the CPU.
 */
#ifndef POISE_PROTO_H
#define POISE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* USB identity (PROTOCOL.md §1). 0x1209 is pid.codes; 0x0001 is its test
 * PID: a plate sold to others must get its own PID from pid.codes and be
 * added to the host's table. */
#define PP_USB_VID 0x1209u
#define PP_USB_PID 0x0001u
#define PP_IF_CLASS 0xFFu    /* vendor specific */
#define PP_IF_SUBCLASS 0x50u /* 'P' */
#define PP_IF_PROTOCOL 0x01u
#define PP_EP_IN 0x81u       /* interrupt IN, the frame stream */
#define PP_EP_MAX_PACKET 64u
#define PP_EP_INTERVAL_MS 1u

/* Protocol version: a host reads every device of the same major version;
 * minor versions only add things an older host may ignore. */
#define PP_VERSION_MAJOR 1u
#define PP_VERSION_MINOR 0u

#define PP_CHANNELS 4u           /* TL, TR, BL, BR */
#define PP_FRAME_SIZE 32u
#define PP_FRAMES_PER_PACKET 2u  /* PP_EP_MAX_PACKET / PP_FRAME_SIZE */
#define PP_FRAME_SYNC 0xA5u
#define PP_INFO_SIZE 64u
#define PP_CALIB_SIZE 48u
#define PP_STATUS_SIZE 16u
#define PP_SERIAL_LEN 24u        /* bytes on the wire, NUL padded */
#define PP_MAX_RATES 6u
#define PP_ADC_MAX 8388607       /* 24-bit two's complement limits */
#define PP_ADC_MIN (-8388608)
#define PP_TARE_DEFAULT_SAMPLES 256u

/* Vendor control requests (bmRequestType 0xC1 in, 0x41 out: vendor,
 * interface recipient, wIndex = interface number 0). */
enum pp_request {
	PP_REQ_GET_INFO = 0x01,        /* in, 64 bytes: pp_info */
	PP_REQ_GET_CALIBRATION = 0x02, /* in, 48 bytes: the stored block, verbatim */
	PP_REQ_SET_CALIBRATION = 0x03, /* out, 48 bytes; stalls while streaming */
	PP_REQ_SET_RATE = 0x04,        /* out, wValue = rate in Hz; stalls while streaming */
	PP_REQ_START = 0x05,           /* out; sequence restarts at 0 */
	PP_REQ_STOP = 0x06,            /* out; idempotent */
	PP_REQ_TARE = 0x07,            /* out, wValue = samples (0: 256); while streaming */
	PP_REQ_GET_STATUS = 0x08,      /* in, 16 bytes: pp_status */
};
#define PP_RT_IN 0xC1u
#define PP_RT_OUT 0x41u

/* Frame status bits (PROTOCOL.md §3). */
enum pp_status_bit {
	PP_ST_OVER_TL = 1u << 0, /* channel at the ADC's limit: force invalid */
	PP_ST_OVER_TR = 1u << 1,
	PP_ST_OVER_BL = 1u << 2,
	PP_ST_OVER_BR = 1u << 3,
	PP_ST_ADC_FAULT = 1u << 4,     /* the converter reported an error */
	PP_ST_DEVICE_DROP = 1u << 5,   /* the device dropped frames before this one */
	PP_ST_TARE_BUSY = 1u << 6,     /* a TARE is averaging */
	PP_ST_CALIB_INVALID = 1u << 7, /* the stored calibration fails its check */
};
#define PP_ST_OVER(ch) (PP_ST_OVER_TL << (ch))

/* Results of the decoders: 0 or one of these. */
enum pp_result {
	PP_OK = 0,
	PP_E_SHORT = -1,   /* fewer bytes than the structure needs */
	PP_E_SYNC = -2,    /* a frame without its sync byte */
	PP_E_CRC = -3,     /* CRC-16 mismatch: corrupted in transit or storage */
	PP_E_VERSION = -4, /* a protocol/block version this code does not know */
	PP_E_VALUE = -5,   /* a field out of its allowed range */
	PP_E_MAGIC = -6,   /* a calibration block without its magic */
	PP_E_BLANK = -7,   /* erased storage (all 0xFF): never calibrated */
};

/* One stream frame. */
typedef struct pp_frame {
	uint8_t version;                /* protocol major version */
	uint16_t status;                /* enum pp_status_bit */
	uint32_t seq;                   /* 0 at START, +1 per sample, wraps */
	uint64_t t_us;                  /* device clock at the conversion */
	int32_t counts[PP_CHANNELS];    /* raw 24-bit ADC counts, TL TR BL BR */
} pp_frame;

/* GET_INFO. */
typedef struct pp_info {
	uint8_t proto_major, proto_minor;
	uint8_t channels;              /* 4 */
	uint8_t frame_size;            /* 32 */
	uint8_t frames_per_packet;     /* 2 */
	uint8_t fw_major, fw_minor, fw_patch;
	uint32_t spacing_ml_um;        /* centre-to-centre, left↔right cells */
	uint32_t spacing_ap_um;        /* centre-to-centre, front↔back cells */
	uint16_t default_rate_hz;
	uint16_t rates_hz[PP_MAX_RATES]; /* supported rates; 0 = unused slot */
	char serial[PP_SERIAL_LEN + 1];  /* printable ASCII, NUL terminated */
} pp_info;

/* GET/SET_CALIBRATION: force_n = gain · (counts − offset). */
typedef struct pp_calib {
	int32_t offset_counts[PP_CHANNELS];
	float gain_n_per_count[PP_CHANNELS];
	uint32_t calibrated_at_s; /* Unix time; 0 = unknown */
} pp_calib;

/* GET_STATUS. */
typedef struct pp_status {
	uint8_t streaming;        /* 0 or 1 */
	uint8_t calib_valid;      /* 0 or 1 */
	uint16_t rate_hz;
	uint32_t frames_sent;     /* since START */
	uint32_t frames_dropped;  /* since START, queue full on the device */
} pp_status;

/* A USB setup packet. */
typedef struct pp_setup {
	uint8_t request_type, request;
	uint16_t value, index, length;
} pp_setup;

/* CRC-16/CCITT-FALSE: polynomial 0x1021, initial 0xFFFF, no reflection, no
 * final XOR ("123456789" → 0x29B1). pp_crc16_update continues a running
 * CRC. */
uint16_t pp_crc16(const uint8_t *p, size_t n);
uint16_t pp_crc16_update(uint16_t crc, const uint8_t *p, size_t n);

/* Little-endian field access; no alignment needed. */
uint16_t pp_get_u16(const uint8_t *p);
uint32_t pp_get_u32(const uint8_t *p);
uint64_t pp_get_u64(const uint8_t *p);
void pp_put_u16(uint8_t *p, uint16_t v);
void pp_put_u32(uint8_t *p, uint32_t v);
void pp_put_u64(uint8_t *p, uint64_t v);

/* Frames. encode writes exactly PP_FRAME_SIZE bytes (counts outside the
 * 24-bit range are clamped to it, CRC computed). decode checks, in this
 * order, length, sync byte, CRC and version (PP_E_VERSION for any major
 * other than PP_VERSION_MAJOR); *out is written only on PP_OK. */
void pp_frame_encode(const pp_frame *f, uint8_t out[PP_FRAME_SIZE]);
int pp_frame_decode(const uint8_t *in, size_t len, pp_frame *out);

/* Info. encode writes PP_INFO_SIZE bytes. decode reads the version from
 * bytes 0–1 first (they keep their place in every version), so a newer
 * device is refused as PP_E_VERSION even if the rest is unreadable; then
 * length, CRC and field ranges (PP_E_VALUE). *out written only on PP_OK. */
void pp_info_encode(const pp_info *in, uint8_t out[PP_INFO_SIZE]);
int pp_info_decode(const uint8_t *in, size_t len, pp_info *out);

/* True if the info lists rate_hz among its supported rates. */
bool pp_info_supports_rate(const pp_info *info, uint16_t rate_hz);

/* Calibration block. decode: PP_E_BLANK (all 0xFF), PP_E_MAGIC, PP_E_CRC,
 * PP_E_VERSION, PP_E_VALUE (a gain that is not finite, zero or above
 * 1 N/count in magnitude; an offset outside 24 bits). */
void pp_calib_encode(const pp_calib *c, uint8_t out[PP_CALIB_SIZE]);
int pp_calib_decode(const uint8_t *in, size_t len, pp_calib *out);

/* Status. */
void pp_status_encode(const pp_status *s, uint8_t out[PP_STATUS_SIZE]);
int pp_status_decode(const uint8_t *in, size_t len, pp_status *out);

/* Setup packet from/to its 8 wire bytes. */
void pp_setup_decode(const uint8_t in[8], pp_setup *out);
void pp_setup_encode(const pp_setup *s, uint8_t out[8]);

/* A short English phrase for a pp_result ("CRC mismatch"). Static. */
const char *pp_result_str(int r);

#endif
