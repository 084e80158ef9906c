/* recording_id: ids of new recordings from their date and title. */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "recording.h"
#include "recording_id.h"

/* The id for (date, title, n); "" when it is refused. Every id made must be
 * a valid recording id and fit RECORDING_ID_NEW_MAX. */
static const char *make(const char *date, const char *title, unsigned n)
{
	static char id[RECORDING_ID_NEW_MAX + 1];
	if (recording_id_make(date, title, n, id, sizeof id) != RECORDING_ID_OK)
		return "";
	CHECK(recording_id_valid(id));
	CHECK(strlen(id) <= RECORDING_ID_NEW_MAX);
	return id;
}

static void test_slugs(void)
{
	CHECK_STR(make("2026-11-20", "PyTorch 2.10 Live Q&A", 1),
	          "2026-11-20-pytorch-2-10-live-q-a");
	CHECK_STR(make("2025-03-11", "TAC Meeting — March", 1), "2025-03-11-tac-meeting-march");
	/* Runs of anything else are one '-', trimmed from both ends. */
	CHECK_STR(make("2025-01-01", "  --Hello,   World!!  ", 1), "2025-01-01-hello-world");
	CHECK_STR(make("2025-01-01", "torch._dynamo.config", 1), "2025-01-01-torch-dynamo-config");
	CHECK_STR(make("2025-01-01", "a/b\\c..d", 1), "2025-01-01-a-b-c-d");
	CHECK_STR(make("2025-01-01", "ALLCAPS", 1), "2025-01-01-allcaps");
	CHECK_STR(make("2025-01-01", "x", 1), "2025-01-01-x");
}

static void test_unicode(void)
{
	/* Latin letters with diacritics fold to ASCII. */
	CHECK_STR(make("2025-01-01", "Café über Straße", 1), "2025-01-01-cafe-uber-strasse");
	CHECK_STR(make("2025-01-01", "Łódź Ærø Œuvre", 1), "2025-01-01-lodz-aero-oeuvre");
	CHECK_STR(make("2025-01-01", "Ñandú — Þing", 1), "2025-01-01-nandu-thing");
	/* Other scripts and symbols separate words; × and ÷ are not letters. */
	CHECK_STR(make("2025-01-01", "2×3÷4", 1), "2025-01-01-2-3-4");
	CHECK_STR(make("2025-01-01", "PyTorch 日本 meetup 🚀", 1), "2025-01-01-pytorch-meetup");
	CHECK_STR(make("2025-01-01", "Привет мир", 1), "2025-01-01-recording");
	/* Malformed UTF-8 is a separator, never copied. */
	CHECK_STR(make("2025-01-01",
	               "ab\xC3(cd\xFF\xFE"
	               "ef\xE2\x82",
	               1),
	          "2025-01-01-ab-cd-ef");
}

static void test_empty(void)
{
	CHECK_STR(make("2025-01-01", "", 1), "2025-01-01-recording");
	CHECK_STR(make("2025-01-01", NULL, 1), "2025-01-01-recording");
	CHECK_STR(make("2025-01-01", "?!? ... ---", 1), "2025-01-01-recording");
	CHECK_STR(make("2025-01-01", "", 3), "2025-01-01-recording-3");
}

static void test_suffix(void)
{
	CHECK_STR(make("2026-11-20", "Live Q&A", 2), "2026-11-20-live-q-a-2");
	CHECK_STR(make("2026-11-20", "Live Q&A", 10), "2026-11-20-live-q-a-10");
	CHECK_STR(make("2026-11-20", "Live Q&A", 4294967295u), "2026-11-20-live-q-a-4294967295");
}

static void test_long_titles(void)
{
	char title[400];
	/* Words of 9 letters: cut at a word boundary. */
	title[0] = '\0';
	for (int i = 0; i < 30; i++)
		strcat(title, "abcdefghi ");
	const char *id = make("2025-01-01", title, 1);
	CHECK(strlen(id) <= RECORDING_ID_NEW_MAX);
	CHECK(strlen(id) > RECORDING_ID_NEW_MAX - 10);
	CHECK(id[strlen(id) - 1] != '-');
	CHECK(strcmp(id + strlen(id) - 10, "-abcdefghi") == 0);
	/* The suffix fits too: the slug gives way. */
	const char *id2 = make("2025-01-01", title, 2);
	CHECK(strlen(id2) <= RECORDING_ID_NEW_MAX);
	CHECK(strcmp(id2 + strlen(id2) - 2, "-2") == 0);
	/* One huge word: cut inside it, to the byte. */
	memset(title, 'z', 300);
	title[300] = '\0';
	id = make("2025-01-01", title, 1);
	CHECK(strlen(id) == RECORDING_ID_NEW_MAX);
	id = make("2025-01-01", title, 123);
	CHECK(strlen(id) == RECORDING_ID_NEW_MAX);
	CHECK(strcmp(id + strlen(id) - 4, "-123") == 0);
	/* Exactly filling the room: kept whole. */
	memset(title, 'q', RECORDING_ID_NEW_MAX - 11);
	title[RECORDING_ID_NEW_MAX - 11] = '\0';
	id = make("2025-01-01", title, 1);
	CHECK(strlen(id) == RECORDING_ID_NEW_MAX && id[RECORDING_ID_NEW_MAX - 1] == 'q');
	/* A word boundary just past the room: the cut falls on it. */
	strcat(title, " tail");
	id = make("2025-01-01", title, 1);
	CHECK(strlen(id) == RECORDING_ID_NEW_MAX);
	/* Multi-letter folds at the edge never overrun. */
	char *p = title;
	for (int i = 0; i < 60; i++)
		p += sprintf(p, "ß");
	id = make("2025-01-01", title, 1);
	CHECK(strlen(id) == RECORDING_ID_NEW_MAX);
}

static void test_refused(void)
{
	char id[RECORDING_ID_NEW_MAX + 1] = "x";
	CHECK(recording_id_make("2025-1-01", "t", 1, id, sizeof id) == RECORDING_ID_BAD_DATE);
	CHECK_STR(id, "");
	CHECK(recording_id_make("2025/01/01", "t", 1, id, sizeof id) == RECORDING_ID_BAD_DATE);
	CHECK(recording_id_make("2025-01-01x", "t", 1, id, sizeof id) == RECORDING_ID_BAD_DATE);
	CHECK(recording_id_make(NULL, "t", 1, id, sizeof id) == RECORDING_ID_BAD_DATE);
	CHECK(recording_id_make("2025-01-01", "t", 0, id, sizeof id) == RECORDING_ID_NO_SPACE);
	char small[20] = "x";
	CHECK(recording_id_make("2025-01-01", "t", 1, small, sizeof small) ==
	      RECORDING_ID_NO_SPACE);
	CHECK_STR(small, "");
	CHECK_STR(recording_id_status_str(RECORDING_ID_BAD_DATE), "date is not YYYY-MM-DD");
}

int main(void)
{
	RUN(test_slugs);
	RUN(test_unicode);
	RUN(test_empty);
	RUN(test_suffix);
	RUN(test_long_titles);
	RUN(test_refused);
	return harness_finish();
}
