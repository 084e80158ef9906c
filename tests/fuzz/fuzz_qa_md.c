/* Fuzz target: the qa.md parser. */
#include <assert.h>
#include <string.h>

#include "fuzz_input.h"
#include "qa_md.h"

static void parse(const char *buf, size_t len)
{
	qa_md q = QA_MD_INIT;
	qa_md_status status = qa_md_parse(buf, len, &q);
	assert(status != QA_MD_INVALID || (q.count == 0 && q.error_line > 0));
	for (size_t i = 0; i < q.count; i++) {
		assert(q.units[i].question[0] && q.units[i].answer[0] && q.units[i].line > 0);
		assert(i == 0 || q.units[i].t >= q.units[i - 1].t);
	}
	qa_md_free(&q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_feed(parse, data, size);
	return 0;
}
