/* Poise: the headless subcommands of the `poise` program. Each takes the
 * arguments after its name (argv[0] is the subcommand) and returns the
 * process exit code: 0 success, 1 a runtime failure (device, disk), 2 bad
 * usage or bad input. Messages for people go to stderr, results to stdout.
 */
#ifndef POISE_CLI_CLI_H
#define POISE_CLI_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The global options (cli_global_options()), shared by all subcommands.
 * They may come before the subcommand's name or after it: main parses
 * those before it, and cli_global_take() pulls those after it out of the
 * subcommand's arguments before the subcommand sees them. */
typedef struct cli_global {
	const char *device; /* --device SPEC */
	bool device_set;    /* --device given (else the app takes the station's setting) */
	const char *db;     /* --db PATH */
	unsigned long long seed;
	bool seed_set;             /* --seed given (else each recording sways anew) */
	/* window options, for the GUI and `poise play` */
	bool fullscreen;
	int width, height;
	const char *screenshot;
	double quit_after_s;
	bool frame_stats;
	const char *frame_log;     /* --frame-log FILE: a line per frame (benchmarks) */
	bool live;                 /* --live: the app opens on the live view */
	const char *patient;       /* --patient CODE: the app's patient (games recorded, report export) */
	const char *operator_name; /* --operator NAME */
} cli_global;

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* The options a subcommand takes, as getopt_long() wants them. Its own
 * parser uses them, and cli_global_take() reads them to leave the
 * subcommand its own options (and their values) untouched. */
typedef struct cli_opts {
	const char *shortopts;
	const struct option *longopts; /* ends with a zeroed entry */
} cli_opts;

/* getopt_long() over a subcommand's options (its parser's loop). */
int cli_getopt(int argc, char **argv, const cli_opts *o);

/* One subcommand: its name, a synopsis and a line for `poise --help`, its
 * options and its entry point. */
typedef struct cli_command {
	const char *name;     /* "patient" */
	const char *synopsis; /* "metrics FILE.csv" */
	const char *summary;  /* "sway metrics of a COP recording (poise metrics --help)" */
	const cli_opts *opts;
	int (*run)(const cli_global *g, int argc, char **argv);
} cli_command;

/* The subcommands, in the order `poise --help` lists them, ending with a
 * zeroed entry. Static storage. Called by main. */
const cli_command *cli_commands(void);

/* The subcommand called name, or NULL. */
const cli_command *cli_command_find(const char *name);

/* The global options, getopt_long()'s way, ending with a zeroed entry;
 * their val is what cli_global_set() takes. Includes --help ('h') and
 * --version ('V'), which main handles itself before a subcommand and
 * which after a subcommand belong to it. Static storage. */
const struct option *cli_global_options(void);

/* Applies global option `code` (an entry's val in cli_global_options())
 * with its value (NULL for a flag) to g. Returns CLI_OK, or CLI_USAGE
 * after saying on stderr what the value should be. Called by main for
 * the options before the subcommand and by cli_global_take(). */
int cli_global_set(cli_global *g, int code, const char *value);

/* Pulls the global options given after a subcommand's name out of its
 * arguments (argv[0] is the subcommand) and applies them to g, so that
 * `poise patient list --db X` means `poise --db X patient list`. What the
 * subcommand takes itself stays, with its value: its own options win over
 * a global one of the same name (`play --patient`, `record --device`),
 * including getopt's abbreviations of them; a global option is only taken
 * by its full name (`--db PATH` or `--db=PATH`). Nothing after "--" is
 * touched. Compacts argv and *argc in place (argv[*argc] = NULL).
 * --help and --version stay with the subcommand. Returns CLI_OK, or
 * CLI_USAGE after a message on stderr (a global option without its
 * value, or a bad value). Called by main before dispatching. */
int cli_global_take(cli_global *g, const char *cmd, const cli_opts *own, int *argc, char **argv);

int cli_metrics(const cli_global *g, int argc, char **argv);
int cli_devices(const cli_global *g, int argc, char **argv);
int cli_play(const cli_global *g, int argc, char **argv);
int cli_prescribe(const cli_global *g, int argc, char **argv);
int cli_record(const cli_global *g, int argc, char **argv);
int cli_assess(const cli_global *g, int argc, char **argv);
int cli_export(const cli_global *g, int argc, char **argv);
int cli_patient(const cli_global *g, int argc, char **argv);
int cli_report(const cli_global *g, int argc, char **argv);
int cli_replay(const cli_global *g, int argc, char **argv);
int cli_db(const cli_global *g, int argc, char **argv);

/* Each subcommand's options, defined beside its parser. */
extern const cli_opts cli_metrics_opts, cli_devices_opts, cli_play_opts, cli_prescribe_opts,
	cli_record_opts, cli_assess_opts, cli_export_opts, cli_patient_opts, cli_report_opts, cli_replay_opts,
	cli_db_opts;

struct store;
struct dev;
struct dev_open_cfg;

/* Opens the plate for subcommand cmd: spec is --device (NULL = "auto").
 * "auto" takes the first real plate that can be opened; when none can,
 * with a patient (for_patient) it never falls back to the simulated
 * plate: it prints which plates were found and why each cannot be used,
 * and returns CLI_FAIL with nothing opened. Without a patient (a demo) it
 * falls back to the simulated plate and says so on stderr. A spec naming a
 * backend (the simulated plate included) is the operator's choice. On
 * success *out is open (dev_close it). A plate that refuses the settings
 * (a rate it cannot run at) gives CLI_USAGE. */
int cli_open_plate(const char *cmd, const char *spec, bool for_patient, const struct dev_open_cfg *oc,
                   struct dev **out);

struct ses_engine;

/* The session engine for plate d (taken: closed on failure too): read on
 * this thread (direct: the simulated plate as fast as it goes) or through
 * the acquisition thread (a real plate, in real time). POISE_OK, or the
 * source's or engine's error. Used by `poise record` and `poise assess`. */
int cli_engine_open(struct dev *d, bool direct, struct ses_engine **out);

/* SIGINT and SIGTERM, blocked (in this thread and the threads it starts
 * afterwards) and polled, so a command ends its trial cleanly. */
typedef struct cli_signals {
	sigset_t set, old;
} cli_signals;

void cli_signals_block(cli_signals *s);

/* The signal that came (waiting up to wait_ms), or 0. */
int cli_signal_pending(const cli_signals *s, int wait_ms);

/* Drops signals that came late and restores the old mask. */
void cli_signals_restore(cli_signals *s);

/* Opens the database for subcommand cmd: --db, else the default path
 * (store_default_path). flags as for store_open(). On failure prints
 * "poise CMD: <why>" to stderr and returns the exit code (CLI_USAGE for a
 * file that is not a Poise database or is too new, else CLI_FAIL); on
 * success *out owns the store (store_close) and CLI_OK is returned. */
int cli_open_store(const cli_global *g, const char *cmd, unsigned flags, struct store **out);

struct store_patient;

/* cli_open_store() for writing, then the patient called code into *p;
 * an unknown patient is CLI_USAGE after saying how to add one (the store
 * is then closed). On CLI_OK the caller owns *s. */
int cli_open_patient(const cli_global *g, const char *cmd, const char *code, struct store **s,
                     struct store_patient *p);

/* Reads a whole file into a NUL-terminated buffer (free() it). Returns
 * NULL with errno set on failure. */
char *cli_read_file(const char *path, size_t *len);

/* Opens path for reading if it is a regular file (never blocks: a FIFO
 * is refused, not waited on). Returns the descriptor (close it), or −1
 * with the reason for people in msg: the system's ("No such file or
 * directory") or what the path is instead ("a directory", "a FIFO (named
 * pipe)", "a character device, such as /dev/null", ...). */
int cli_open_regular(const char *path, char *msg, size_t msg_len);

/* For a subcommand's getopt loop: says that an option (argv[optind − 1])
 * lacks its value (c == ':') or is unknown, and returns CLI_USAGE. */
int cli_bad_option(const char *cmd, int c, char **argv);

/* The training-condition options of `poise play` and `poise prescribe`
 * (--stance, --surface, --visual, --visual-speed, --head-turns,
 * --eyes-closed, --audio-feedback, --dual-task), for their getopt tables,
 * and the letters they return. */
#define CLI_COND_LONGOPTS                                           \
	{"stance", required_argument, NULL, 'S'},                   \
	{"surface", required_argument, NULL, 'U'},                  \
	{"visual", required_argument, NULL, 'V'},                   \
	{"visual-speed", required_argument, NULL, 'v'},             \
	{"head-turns", required_argument, NULL, 'T'},               \
	{"eyes-closed", no_argument, NULL, 'E'},                    \
	{"audio-feedback", no_argument, NULL, 'A'},                 \
	{"dual-task", required_argument, NULL, 'D'}
#define CLI_COND_CASES \
	case 'S':      \
	case 'U':      \
	case 'V':      \
	case 'v':      \
	case 'T':      \
	case 'E':      \
	case 'A':      \
	case 'D'

/* Applies condition option c (one of CLI_COND_CASES) with value arg to
 * *cond. Returns false after a message on stderr ("poise CMD: --stance
 * wants ...") if the value is wrong. */
struct cond_set;
bool cli_cond_option(const char *cmd, int c, const char *arg, struct cond_set *cond);

struct game_result;
struct met_static;

/* Prints a game's result (text, or one JSON object whose keys are the
 * game-result catalogue's, then sway_<metric> for the sway while playing),
 * with the trial id when recorded (> 0) and whether the plate was
 * simulated. Used by `poise play` and `poise replay`. */
void cli_print_game_result(FILE *f, const struct game_result *r, const struct met_static *sway,
                           bool have_sway, int64_t trial_id, bool simulated, bool json);

/* A number lo ≤ v ≤ hi, the whole of s, into *out; false if s is not one. */
bool cli_parse_num(const char *s, double lo, double hi, double *out);

/* Checks the text value of option opt (e.g. "--name") for a field of cap
 * bytes with its NUL (text_check: it fits, is UTF-8, has no control
 * characters, but '\n' and '\t' in a multiline field) and copies it into
 * dst (if not NULL). A value that does not fit is refused, never cut:
 * prints "poise CMD: --OPT is longer than the N bytes allowed" (or what
 * else is wrong; cmd NULL for a global option) and returns CLI_USAGE. */
int cli_text_opt(const char *cmd, const char *opt, const char *value, char *dst, size_t cap,
                 bool multiline);

/* Prints a JSON string literal (quoted, escaped) to f: text_json_fputs(). */
void cli_json_string(FILE *f, const char *s);

#endif
