/* agenda_merge: agenda.md's timed items win over chapters; chapters fill in
 * when it has none; notes always stay. */
#include <math.h>
#include <string.h>

#include "agenda_merge.h"
#include "harness.h"

static agenda parse(const char *md)
{
	agenda a = AGENDA_INIT;
	CHECK(agenda_parse(md, strlen(md), &a) == AGENDA_OK);
	return a;
}

static media_chapter chapters[] = {
    {0.0, 90.0, "Intro"},
    {90.0, 600.0, "Main part"},
    {600.0, 900.0, ""},
};

static void test_agenda_items_win(void)
{
	agenda md = parse("# Talk\n\n- 00:00 Welcome\n- 05:00 Demo\nSlides online.\n");
	agenda out;
	CHECK(agenda_merge(&md, chapters, 3, &out) == AGENDA_OK);
	CHECK(out.count == md.count);
	for (size_t i = 0; i < out.count && i < md.count; i++) {
		CHECK(out.entries[i].kind == md.entries[i].kind);
		CHECK_STR(out.entries[i].title, md.entries[i].title);
		CHECK_NUM(out.entries[i].start, md.entries[i].start);
		CHECK(out.entries[i].line == md.entries[i].line);
		CHECK(out.entries[i].title != md.entries[i].title); /* a copy */
	}
	agenda_free(&out);
	agenda_free(&md);
}

static void test_chapters_fill_in_keeping_notes(void)
{
	agenda md = parse("# Talk\n\nSlides at example.org.\n");
	size_t notes = md.count;
	agenda out;
	CHECK(agenda_merge(&md, chapters, 3, &out) == AGENDA_OK);
	CHECK(out.count == notes + 3);
	for (size_t i = 0; i < notes && i < out.count; i++) {
		CHECK(out.entries[i].kind == AGENDA_NOTE);
		CHECK_STR(out.entries[i].title, md.entries[i].title);
	}
	if (out.count == notes + 3) {
		const agenda_entry *e = &out.entries[notes];
		CHECK(e[0].kind == AGENDA_ITEM && e[1].kind == AGENDA_ITEM);
		CHECK_NUM(e[0].start, 0.0);
		CHECK_STR(e[0].title, "Intro");
		CHECK_NUM(e[1].start, 90.0);
		CHECK_STR(e[1].title, "Main part");
		CHECK_NUM(e[2].start, 600.0);
		CHECK_STR(e[2].title, "Chapter 3"); /* untitled chapter */
		CHECK(e[0].line == 0 && e[0].depth == 0);
	}
	agenda_free(&out);
	agenda_free(&md);
}

static void test_no_agenda_md(void)
{
	agenda out;
	CHECK(agenda_merge(NULL, chapters, 2, &out) == AGENDA_OK);
	CHECK(out.count == 2);
	if (out.count == 2)
		CHECK_STR(out.entries[1].title, "Main part");
	agenda_free(&out);

	CHECK(agenda_merge(NULL, NULL, 0, &out) == AGENDA_OK);
	CHECK(out.count == 0 && out.entries == NULL);
	agenda_free(&out);
}

static void test_no_chapters(void)
{
	agenda md = parse("Just a note.\n");
	agenda out;
	CHECK(agenda_merge(&md, NULL, 0, &out) == AGENDA_OK);
	CHECK(out.count == 1);
	if (out.count == 1)
		CHECK_STR(out.entries[0].title, "Just a note.");
	agenda_free(&out);
	agenda_free(&md);
}

static void test_bad_chapter_starts_skipped(void)
{
	media_chapter odd[] = {
	    {-1.0, 2.0, "before zero"},
	    {NAN, 2.0, "nan"},
	    {INFINITY, 2.0, "inf"},
	    {3.0, 4.0, "ok"},
	};
	agenda out;
	CHECK(agenda_merge(NULL, odd, 4, &out) == AGENDA_OK);
	CHECK(out.count == 1);
	if (out.count == 1)
		CHECK_STR(out.entries[0].title, "ok");
	agenda_free(&out);
}

int main(void)
{
	RUN(test_agenda_items_win);
	RUN(test_chapters_fill_in_keeping_notes);
	RUN(test_no_agenda_md);
	RUN(test_no_chapters);
	RUN(test_bad_chapter_starts_skipped);
	return harness_finish();
}
