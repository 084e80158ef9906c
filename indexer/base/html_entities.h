/* html_entities: HTML character references, as the WebVTT cue text
 * tokenizer consumes them (WebVTT §6.4 defers to HTML's "consume a character
 * reference"): named references by longest match, with or without ";", and
 * numeric ones with HTML's replacement rules.
 */
#ifndef QA_HTML_ENTITIES_H
#define QA_HTML_ENTITIES_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* p points just after a '&' and len bytes follow it. If a character
 * reference starts there, append its value to out and return how many bytes
 * after the '&' it used (> 0). Return 0 when there is none: the caller keeps
 * the '&' as text. `additional` is the additional allowed character (a byte
 * that ends the attempt, e.g. '>' inside a tag), or -1 for none.
 * `in_attribute` applies HTML's rule for references "consumed as part of an
 * attribute" (the WebVTT tag annotation): a legacy name without ';' that is
 * followed by '=' or a letter or digit is not a reference ("&ampB" stays). On out of
 * memory sets *nomem and returns 0. */
size_t html_entity_consume(const char *p, size_t len, int additional, bool in_attribute,
                           strbuf *out, bool *nomem);

#endif
