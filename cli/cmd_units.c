/* qarchive units [--qa FILE] TRANSCRIPT: a transcript's questions and
 * their answers (qa_units.h) as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_args.h"
#include "commands.h"
#include "file_io.h"
#include "json_out.h"
#include "qa_md.h"
#include "qa_units.h"
#include "transcript.h"

static const char usage[] =
    "usage: qarchive units [--qa QA.MD] TRANSCRIPT\n\n"
    "Print the questions asked in a transcript (WebVTT or SRT) and their\n"
    "answers, as search indexes them:\n"
    "  {\"source\": \"detected\"|\"qa.md\", \"units\": [{\"question\": {\"t\", \"text\",\n"
    "   \"speaker\"}, \"answer\": {\"t\", \"end\", \"speaker\", \"text\"}}]}\n\n"
    "Without --qa the units are detected from who speaks when (a transcript\n"
    "that never says who speaks has none); --qa reads them from a qa.md\n"
    "(README: \"Questions and answers\") and places them on the transcript.\n\n"
    "Exit status: 0 done, 1 a file rejected (stderr says which line), 2 usage\n"
    "or I/O error.\n";

enum { OPT_QA };
static const cli_option options[] = {{"--qa", OPT_QA, true, 0}, {NULL, 0, false, 0}};

static json_t *units_json(const qa_units *u, const cue_list *cues, const char *source)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < u->count; i++) {
		const qa_unit *x = &u->items[i];
		const char *first = cues->items[x->answer_first].plain;
		json_t *o = json_pack(
		    "{s:{s:f, s:s, s:s?}, s:{s:f, s:f, s:s?, s:s}}", "question", "t", x->question_t,
		    "text", x->question, "speaker", x->question_speaker, "answer", "t", x->answer_t,
		    "end", x->answer_end, "speaker", x->answer_speaker, "text", first ? first : "");
		if (!o || json_array_append_new(list, o) != 0) {
			json_decref(list);
			return NULL;
		}
	}
	return list ? json_pack("{s:s, s:o}", "source", source, "units", list) : NULL;
}

/* Read and parse path as a transcript (into *t) or qa.md (into *md). */
static int read_input(const char *path, transcript *t, qa_md *md)
{
	char *data = NULL;
	size_t len;
	int err = file_read_all(path, &data, &len);
	if (err) {
		fprintf(stderr, "qarchive units: cannot read %s: %s\n", path, strerror(err));
		return EXIT_USAGE;
	}
	const char *why = NULL;
	bool nomem;
	if (t) {
		transcript_status ts = transcript_parse(data, len, TRANSCRIPT_UNKNOWN, path, t);
		nomem = ts == TRANSCRIPT_NOMEM;
		why = ts == TRANSCRIPT_OK ? NULL : t->error;
	} else {
		qa_md_status qs = qa_md_parse(data, len, md);
		nomem = qs == QA_MD_NOMEM;
		why = qs == QA_MD_OK ? NULL : md->error;
	}
	free(data);
	if (nomem || why)
		fprintf(stderr, "qarchive units: %s: %s\n", path, nomem ? "out of memory" : why);
	return nomem ? EXIT_USAGE : why ? EXIT_REJECTED : EXIT_OK;
}

int cmd_units(int argc, char **argv)
{
	const char *given[1] = {NULL}, *paths[1] = {NULL};
	cli_args a = {.command = "units",
	              .usage = usage,
	              .options = options,
	              .say_needs_value = true,
	              .on_option = cli_args_keep_value,
	              .ctx = given,
	              .positionals = paths,
	              .max_positionals = 1};
	cli_args_status cs = cli_args_parse(&a, argc, argv);
	if (cs != CLI_ARGS_RUN)
		return cli_args_exit(cs);
	if (a.npositionals != 1) {
		fprintf(stderr, "qarchive units: which transcript?\n\n%s", usage);
		return EXIT_USAGE;
	}
	transcript t = TRANSCRIPT_INIT;
	qa_md md = QA_MD_INIT;
	qa_units u = QA_UNITS_INIT;
	char err[300] = "";
	int rc = read_input(paths[0], &t, NULL);
	if (rc == EXIT_OK && given[OPT_QA])
		rc = read_input(given[OPT_QA], NULL, &md);
	if (rc == EXIT_OK) {
		qa_units_status st = given[OPT_QA]
		                         ? qa_units_from_md(&t.cues, &md, &u, err, sizeof err)
		                         : qa_units_detect(&t.cues, &u);
		if (st != QA_UNITS_OK) {
			fprintf(stderr, "qarchive units: %s: %s\n",
			        st == QA_UNITS_INVALID ? given[OPT_QA] : paths[0],
			        st == QA_UNITS_INVALID ? err : "out of memory");
			rc = st == QA_UNITS_INVALID ? EXIT_REJECTED : EXIT_USAGE;
		}
	}
	if (rc == EXIT_OK &&
	    json_out_print(units_json(&u, &t.cues, given[OPT_QA] ? "qa.md" : "detected"), stdout))
		rc = EXIT_USAGE;
	qa_units_free(&u);
	qa_md_free(&md);
	transcript_free(&t);
	return rc;
}
