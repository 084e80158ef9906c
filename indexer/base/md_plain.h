/* md_plain: markdown as the words a reader sees, for one-line snippets of
 * notes, descriptions and agendas (a search result must not show "**",
 * "## " or "[text](https://...)").
 *
 * Not a markdown parser: a line-by-line pass that drops what marks
 * structure (heading "#"s, quote ">"s, list bullets and numbers, task
 * boxes, table pipes and separator rows, code fences) and inline marks
 * ("**", "__", "~~", "*", backticks, "_" at a word's edge but not inside
 * identifiers such as cache_size_limit), and keeps a link's text and an
 * image's alt text without their URLs. Lines stay lines. Linear in the
 * input; pure.
 */
#ifndef QA_BASE_MD_PLAIN_H
#define QA_BASE_MD_PLAIN_H

/* The plain text of md. Caller frees; NULL when out of memory. */
char *md_plain(const char *md);

#endif
