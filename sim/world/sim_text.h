/*
 * sim_text: the prose of the upstream's data, in its style: race names,
 * racecard comments and spotlights, verdicts, in-running comments of
 * results, non-runner reasons, stable-tour quotes.  Each is a pure function
 * of a hash and its inputs; writers always NUL-terminate and truncate to
 * outlen; nothing here can fail.
 */
#ifndef SIM_TEXT_H
#define SIM_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "sim_world.h"

/* "Every Race Live On Racing TV Nursery Handicap". */
void sim_text_race_name(const struct sim_world_race *r, uint64_t h, char *out, size_t outlen);

/* A runner's racecard comment and spotlight; he/she by sex. */
void sim_text_comment(uint64_t h, int female, char *out, size_t outlen);
void sim_text_spotlight(uint64_t h, int female, const char *trainer, char *out, size_t outlen);

/* The verdict naming the tip in capitals and another runner. */
void sim_text_verdict(uint64_t h, const char *tip, const char *other, char *out, size_t outlen);

/* A result's in-running comment for a finishing position (0: did not finish). */
void sim_text_running(uint64_t h, int position, int runners, char *out, size_t outlen);

/* A non-runner's reason: "self certificate, coughing"; "" now and then. */
const char *sim_text_nr_reason(uint64_t h);

/* A stable-tour quote. */
void sim_text_quote(uint64_t h, char *out, size_t outlen);

#endif
