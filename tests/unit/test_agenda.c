/* agenda: agenda.md list items with a timestamp become items; every other
 * line is kept as a note. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "agenda.h"
#include "harness.h"

#define EM_DASH "\xE2\x80\x94"
#define EN_DASH "\xE2\x80\x93"

static agenda_status parse(const char *s, agenda *a)
{
	agenda init = AGENDA_INIT;
	*a = init;
	return agenda_parse(s, strlen(s), a);
}

/* s must give exactly one item: check its start and title. */
static void check_item(const char *s, double start, const char *title, const char *file, int line)
{
	agenda a;
	agenda_status st = parse(s, &a);
	bool one = st == AGENDA_OK && a.count == 1 && a.entries[0].kind == AGENDA_ITEM;
	harness_check(one, s, file, line);
	if (one) {
		harness_check_num(a.entries[0].start, start, 1e-9, s, file, line);
		harness_check_str(a.entries[0].title, title, s, file, line);
	}
	agenda_free(&a);
}

/* s must give exactly one note with this text. */
static void check_note(const char *s, const char *text, const char *file, int line)
{
	agenda a;
	agenda_status st = parse(s, &a);
	bool one = st == AGENDA_OK && a.count == 1 && a.entries[0].kind == AGENDA_NOTE;
	harness_check(one, s, file, line);
	if (one)
		harness_check_str(a.entries[0].title, text, s, file, line);
	agenda_free(&a);
}

/* s must be rejected at line want_line, with "line N: " leading the error. */
static void check_rejected(const char *s, size_t want_line, const char *file, int line)
{
	agenda a;
	agenda_status st = parse(s, &a);
	harness_check(st == AGENDA_INVALID, s, file, line);
	harness_check_num((double)a.error_line, (double)want_line, 0, s, file, line);
	char prefix[32];
	int n = snprintf(prefix, sizeof prefix, "line %zu: ", want_line);
	harness_check(strncmp(a.error, prefix, (size_t)n) == 0, a.error, file, line);
	harness_check(a.count == 0 && a.entries == NULL, "no entries when rejected", file, line);
	agenda_free(&a);
}

#define CHECK_ITEM(s, start, title) check_item(s, start, title, __FILE__, __LINE__)
#define CHECK_NOTE(s, text)         check_note(s, text, __FILE__, __LINE__)
#define CHECK_REJECTED(s, line)     check_rejected(s, line, __FILE__, __LINE__)

static void test_item_forms(void)
{
	CHECK_ITEM("- 00:12:30 Multi-cloud CI", 750, "Multi-cloud CI");
	CHECK_ITEM("- [12:30] Multi-cloud CI", 750, "Multi-cloud CI");
	CHECK_ITEM("- 1:02:03 " EM_DASH " Accelerator integration", 3723,
	           "Accelerator integration");
	CHECK_ITEM("* (1:02:03) " EN_DASH " Accelerator integration", 3723,
	           "Accelerator integration");
	CHECK_ITEM("1. 45:10: Ecosystem landscape", 2710, "Ecosystem landscape");
	CHECK_ITEM("+ 0:05 | Welcome", 5, "Welcome");
	CHECK_ITEM("3) 12:00 - Keynote", 720, "Keynote");
	CHECK_ITEM("12. [01:00:00] Closing", 3600, "Closing");
	CHECK_ITEM("- (0:30)Intro", 30, "Intro");
	CHECK_ITEM("- 00:12:30 - Dash separator", 750, "Dash separator");
	CHECK_ITEM("- 00:12:30" EM_DASH "No spaces", 750, "No spaces");
	CHECK_ITEM("- [00:12:30]: Colon after bracket", 750, "Colon after bracket");
}

static void test_item_times(void)
{
	CHECK_ITEM("- 0:00 Start", 0, "Start");
	CHECK_ITEM("- 00:00:00 Start", 0, "Start");
	CHECK_ITEM("- 59:59 Late", 3599, "Late");
	/* M:SS takes any number of minutes. */
	CHECK_ITEM("- 99:59 Very late", 5999, "Very late");
	CHECK_ITEM("- 100:00:00 Marathon", 360000, "Marathon");
	CHECK_ITEM("- 12:30.5 Fraction", 750.5, "Fraction");
	CHECK_ITEM("- 1:02:03.250 Fraction", 3723.25, "Fraction");
}

static void test_item_title_kept_as_markdown(void)
{
	CHECK_ITEM("- 00:01 **Bold** talk by [Ada](https://example.org)  ", 1,
	           "**Bold** talk by [Ada](https://example.org)");
	CHECK_ITEM("- 00:01 Caf\xC3\xA9 \xE2\x80\x94 Q&A", 1, "Caf\xC3\xA9 \xE2\x80\x94 Q&A");
	/* A time inside the title is just text. */
	CHECK_ITEM("- 00:01 Lunch until 13:30", 1, "Lunch until 13:30");
}

static void test_notes(void)
{
	CHECK_NOTE("# Agenda", "# Agenda");
	CHECK_NOTE("Some prose about the talk.", "Some prose about the talk.");
	CHECK_NOTE("- Coffee break", "- Coffee break");
	CHECK_NOTE("   indented prose   ", "indented prose");
	CHECK_NOTE("Lunch at 12:30", "Lunch at 12:30");
	CHECK_NOTE("12:30 Not a list item", "12:30 Not a list item");
	CHECK_NOTE("> - 00:12:30 quoted", "> - 00:12:30 quoted");
	/* Not timestamps. */
	CHECK_NOTE("- 10:30am Coffee", "- 10:30am Coffee");
	CHECK_NOTE("- 10:30pm", "- 10:30pm");
	CHECK_NOTE("- 1:2:03 Title", "- 1:2:03 Title");
	CHECK_NOTE("- 1:023 Title", "- 1:023 Title");
	CHECK_NOTE("- 123 Title", "- 123 Title");
	CHECK_NOTE("- 12:30Title", "- 12:30Title");
	CHECK_NOTE("- 12: Title", "- 12: Title");
	CHECK_NOTE("- :30 Title", "- :30 Title");
	CHECK_NOTE("- [12:30 Unclosed", "- [12:30 Unclosed");
	CHECK_NOTE("- (12:30] Mismatched", "- (12:30] Mismatched");
	CHECK_NOTE("-00:12:30 No space after the marker", "-00:12:30 No space after the marker");
	CHECK_NOTE("1.00:12:30 No space", "1.00:12:30 No space");
	CHECK_NOTE("1234567890. 00:01 Too long a number", "1234567890. 00:01 Too long a number");
	CHECK_NOTE("-", "-");
}

static void test_mixed_file_in_order(void)
{
	agenda a;
	CHECK(parse("# KubeCon keynote\n\nRecorded live.\n\n"
	            "- 00:00:00 Welcome\n"
	            "- Intermission\n"
	            "  - 00:05:10 Sub-topic\n"
	            "    * 00:06 Deeper\n"
	            "\t- 00:07 Tab-indented\n"
	            "   - note at depth one\n"
	            "- 01:00:00 Q&A\n",
	            &a) == AGENDA_OK);
	CHECK(a.count == 9);
	if (a.count == 9) {
		const agenda_entry *e = a.entries;
		CHECK(e[0].kind == AGENDA_NOTE);
		CHECK_STR(e[0].title, "# KubeCon keynote");
		CHECK(e[0].line == 1);
		CHECK(e[1].kind == AGENDA_NOTE);
		CHECK_STR(e[1].title, "Recorded live.");
		CHECK(e[1].line == 3);
		CHECK(e[2].kind == AGENDA_ITEM);
		CHECK_STR(e[2].title, "Welcome");
		CHECK(e[2].line == 5);
		CHECK(e[2].depth == 0);
		CHECK(e[3].kind == AGENDA_NOTE);
		CHECK_STR(e[3].title, "- Intermission");
		CHECK(e[4].kind == AGENDA_ITEM);
		CHECK_NUM(e[4].start, 310);
		CHECK(e[4].depth == 1);
		CHECK(e[4].line == 7);
		CHECK(e[5].kind == AGENDA_ITEM);
		CHECK_NUM(e[5].start, 6);
		CHECK(e[5].depth == 2);
		CHECK(e[6].kind == AGENDA_ITEM);
		CHECK_STR(e[6].title, "Tab-indented");
		CHECK(e[6].depth == 2);
		CHECK(e[7].kind == AGENDA_NOTE);
		CHECK_STR(e[7].title, "- note at depth one");
		CHECK(e[7].depth == 1);
		CHECK(e[8].kind == AGENDA_ITEM);
		CHECK_NUM(e[8].start, 3600);
		CHECK_STR(e[8].title, "Q&A");
		CHECK(e[8].line == 11);
	}
	agenda_free(&a);
	CHECK(a.count == 0 && a.entries == NULL && a.error_line == 0);
}

static void test_line_endings_and_bom(void)
{
	const char *variants[] = {
	    "\xEF\xBB\xBF# Title\r\n\r\n- 00:01 One\r\n- 00:02 Two\r\n",
	    "# Title\r\r- 00:01 One\r- 00:02 Two",
	    "# Title\n\r\n- 00:01 One\r- 00:02 Two\n",
	};
	for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
		agenda a;
		bool ok = parse(variants[i], &a) == AGENDA_OK && a.count == 3;
		CHECK(ok);
		if (ok) {
			CHECK_STR(a.entries[0].title, "# Title");
			CHECK_STR(a.entries[1].title, "One");
			CHECK(a.entries[1].line == 3);
			CHECK_STR(a.entries[2].title, "Two");
			CHECK(a.entries[2].line == 4);
		}
		agenda_free(&a);
	}
}

static void test_empty_file(void)
{
	agenda a;
	CHECK(parse("", &a) == AGENDA_OK);
	CHECK(a.count == 0);
	agenda_free(&a);
	CHECK(parse("\n\n   \n\t\n", &a) == AGENDA_OK);
	CHECK(a.count == 0);
	agenda_free(&a);
}

static void test_out_of_range_rejected(void)
{
	CHECK_REJECTED("- 00:60:00 Title", 1);
	CHECK_REJECTED("- 00:00:60 Title", 1);
	CHECK_REJECTED("- 12:60 Title", 1);
	CHECK_REJECTED("- 1:75:00 Title", 1);
	CHECK_REJECTED("# Agenda\n\n- 00:01 Fine\n* [0:99] Bad seconds\n- 00:02 Never read\n", 4);
	CHECK_REJECTED("1. (1:02:99) Bad", 1);
	CHECK_REJECTED("a\r\nb\r\n- 00:61 CRLF counts once\r\n", 3);
	/* The message quotes the timestamp. */
	agenda a;
	CHECK(parse("- 12:60 Title", &a) == AGENDA_INVALID);
	CHECK(strstr(a.error, "12:60") != NULL);
	agenda_free(&a);
}

static void test_item_without_title_rejected(void)
{
	CHECK_REJECTED("- 00:12:30", 1);
	CHECK_REJECTED("- 00:12:30   ", 1);
	CHECK_REJECTED("- [12:30]", 1);
	CHECK_REJECTED("- 00:12:30 " EM_DASH, 1);
	CHECK_REJECTED("* (1:00) -", 1);
	CHECK_REJECTED("1. 45:10:", 1);
	CHECK_REJECTED("# A\n- 00:01 ok\n  - 00:02 |  \n", 3);
}

static void test_status_strings(void)
{
	CHECK_STR(agenda_status_str(AGENDA_OK), "ok");
	CHECK(agenda_status_str(AGENDA_INVALID)[0] != '\0');
	CHECK(agenda_status_str(AGENDA_NOMEM)[0] != '\0');
	agenda_free(NULL);
}

int main(void)
{
	RUN(test_item_forms);
	RUN(test_item_times);
	RUN(test_item_title_kept_as_markdown);
	RUN(test_notes);
	RUN(test_mixed_file_in_order);
	RUN(test_line_endings_and_bom);
	RUN(test_empty_file);
	RUN(test_out_of_range_rejected);
	RUN(test_item_without_title_rejected);
	RUN(test_status_strings);
	return harness_finish();
}
