/* decisions: which cues of a meeting state a decision (decisions.h). The
 * sentences are written for this test in the manner of the bundled TAC
 * meetings: the closing words a chair uses, and the near misses around
 * them (assent, reports of the past, questions, plans). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"
#include "harness.h"

static void test_stated(void)
{
	static const char *const yes[] = {
	    "Hearing none, the June minutes are approved.",
	    "Hearing none, the June minutes are\napproved.",
	    "Good. Then that\xe2\x80\x99s approved as a pilot.",
	    "Then that's approved for one release.",
	    "Any objections? ... None, approved.",
	    "Any objections to that? ... Hearing none, it's agreed.",
	    "None. Both are agreed.",
	    "The motion passes, seven to one.",
	    "So we voted to keep the old default for now.",
	    "For the record, the TAC approved the new charter.",
	    "We decided to move the sync to Thursdays.",
	    "Then let's record this as an action item for the CI group.",
	    "Action item: Priya drafts the RFC.",
	};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!decisions_stated(yes[i])) {
			fprintf(stderr, "not a decision: %s\n", yes[i]);
			CHECK(false);
		}
	static const char *const no[] = {
	    "Agreed. We changed the drain policy last week.",
	    "The minutes say we approved nine applications in June.",
	    "It was eight approved and one sent back.",
	    "Is there any objection to approving the June minutes?",
	    "None from me, as long as turning it off never needs the vendor's approval.",
	    "And the data should use the format we agreed in March.",
	    "In June we agreed a trial, to be reviewed after one release.",
	    "Please write it up for a vote next month.",
	    "We'll vote on the proposal in August.",
	    "The second vendor has agreed to them in writing.",
	    "Since the last report we approved five projects and declined one.",
	    "A quick pass over the open action items.",
	    "The action items will go out with the minutes.",
	    "",
	};
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (decisions_stated(no[i])) {
			fprintf(stderr, "a false decision: %s\n", no[i]);
			CHECK(false);
		}
	CHECK(!decisions_stated(NULL));
}

static void test_json(void)
{
	cue items[12];
	memset(items, 0, sizeof items);
	for (int i = 0; i < 12; i++) {
		items[i].start = i * 10.0;
		items[i].end = i * 10.0 + 5;
		items[i].plain = (char *)(i % 2 ? "Hearing none, it's agreed." : "Next item.");
	}
	cue_list cues = {.items = items, .count = 12};
	json_t *d = decisions_json(&cues, 10, 40);
	CHECK(json_array_size(d) == 2);
	CHECK(json_number_value(json_object_get(json_array_get(d, 0), "t")) == 10.0);
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(d, 1), "text")),
	             "Hearing none, it's agreed.") == 0);
	json_decref(d);
	items[1].plain = (char *)"Hearing none,\n  it's  agreed. ";
	d = decisions_json(&cues, 10, 20);
	CHECK(strcmp(json_string_value(json_object_get(json_array_get(d, 0), "text")),
	             "Hearing none, it's agreed.") == 0); /* on one line */
	json_decref(d);
	d = decisions_json(&cues, 0, 1e9);
	CHECK(json_array_size(d) == 6);
	json_decref(d);
	d = decisions_json(&cues, 200, 300);
	CHECK(d && json_array_size(d) == 0);
	json_decref(d);
}

int main(void)
{
	RUN(test_stated);
	RUN(test_json);
	return harness_finish();
}
