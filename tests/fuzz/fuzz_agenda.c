/* Fuzz target: the agenda.md parser. */
#include <assert.h>

#include "agenda.h"
#include "fuzz_input.h"

static void parse(const char *buf, size_t len)
{
	agenda a = AGENDA_INIT;
	agenda_status status = agenda_parse(buf, len, &a);
	assert(status != AGENDA_INVALID || (a.count == 0 && a.error_line > 0));
	for (size_t i = 0; i < a.count; i++)
		assert(a.entries[i].title && a.entries[i].line > 0);
	agenda_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
