/* count_text: a count as a page prints it, its digits grouped in threes
 * ("1,000 recordings", "About 12,400"), as readers of English expect from
 * the sites they know. The JSON keeps plain integers; only HTML uses this.
 */
#ifndef QA_WEB_COUNT_TEXT_H
#define QA_WEB_COUNT_TEXT_H

/* Room for any long long, its sign, its commas and the NUL. */
#define COUNT_TEXT_SIZE 32

/* n into out, "-1,234,567" style, NUL-terminated. Returns out. */
char *count_text(long long n, char out[COUNT_TEXT_SIZE]);

#endif
