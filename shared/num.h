/*
 * num: the project's checked number parsing (no atoi, no bare strtol): the
 * whole string, decimal, within a range.
 */
#ifndef DH_NUM_H
#define DH_NUM_H

/*
 * Parses a decimal integer in [min, max], the whole string: no leading
 * blanks, no sign other than '-', no trailing characters.  Returns 0 with
 * *out set, or -1 (NULL, empty, not a number, out of range) with *out
 * unchanged.
 */
int num_parse_long(const char *s, long min, long max, long *out);

#endif
