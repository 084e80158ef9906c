/* vtt_timing: WebVTT timestamps and the "timings and settings" line
 * (WebVTT §6.1: "collect a WebVTT timestamp", "collect WebVTT cue timings
 * and settings", "parse the WebVTT cue settings").
 */
#ifndef QA_VTT_TIMING_H
#define QA_VTT_TIMING_H

#include <stdbool.h>
#include <stddef.h>

#include "cue.h"

/* Collect a timestamp at s[*pos..len): [h+:]mm:ss.ttt. On success advance
 * *pos past it, set *seconds and return true; on failure return false
 * (*pos is then unspecified). Hours may have any number of digits; minutes
 * and seconds two (at most 59), fractions three. */
bool vtt_timestamp_collect(const char *s, size_t len, size_t *pos, double *seconds);

/* Parse a whole timing line "START --> END [settings]". On success set
 * *start, *end and apply the settings to *settings (which should hold the
 * defaults); invalid settings are ignored one by one, as browsers do. Returns
 * false when the timings themselves are malformed. */
bool vtt_timing_line_parse(const char *line, size_t len, double *start, double *end,
                           cue_settings *settings);

#endif
