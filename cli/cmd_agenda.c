/* qarchive agenda FILE: an agenda.md's timed items and notes as JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "commands.h"
#include "cue_json.h"
#include "file_io.h"
#include "json_out.h"

static const char usage[] =
    "usage: qarchive agenda FILE\n\n"
    "Parse an agenda (markdown) and print it as JSON:\n"
    "  {\"valid\": bool, \"items\": [{\"start\", \"title\", \"line\", \"depth\"}],\n"
    "   \"notes\": [{\"text\", \"line\"}], \"error\": \"line N: ...\"|null}\n\n"
    "List items that start with a time (- 00:12:30 Title, - [12:30] Title,\n"
    "- 1:02:03 — Title) are agenda items; every other line is kept as a note.\n\n"
    "Exit status: 0 valid, 1 rejected, 2 usage or I/O error.\n";

int cmd_agenda(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		bool help =
		    argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		fputs(usage, help ? stdout : stderr);
		return help ? EXIT_OK : EXIT_USAGE;
	}
	char *data;
	size_t len;
	int err = file_read_all(argv[1], &data, &len);
	if (err) {
		fprintf(stderr, "qarchive agenda: cannot read %s: %s\n", argv[1], strerror(err));
		return EXIT_USAGE;
	}
	agenda a = AGENDA_INIT;
	agenda_status status = agenda_parse(data, len, &a);
	free(data);
	if (status == AGENDA_NOMEM) {
		fprintf(stderr, "qarchive agenda: out of memory\n");
		return EXIT_USAGE;
	}
	int rc = json_out_print(agenda_json(&a, status), stdout) ? EXIT_USAGE
	         : status == AGENDA_OK                           ? EXIT_OK
	                                                         : EXIT_REJECTED;
	if (status != AGENDA_OK)
		fprintf(stderr, "qarchive agenda: %s: %s\n", argv[1], a.error);
	agenda_free(&a);
	return rc;
}
