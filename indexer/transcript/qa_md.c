#include "qa_md.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_decode.h"

const char *qa_md_status_str(qa_md_status status)
{
	switch (status) {
	case QA_MD_OK:
		return "ok";
	case QA_MD_INVALID:
		return "invalid qa.md";
	case QA_MD_NOMEM:
		return "out of memory";
	}
	return "unknown status";
}

static void unit_free(qa_md_unit *u)
{
	free(u->question);
	free(u->question_speaker);
	free(u->answer);
	free(u->answer_speaker);
}

void qa_md_free(qa_md *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->count; i++)
		unit_free(&q->units[i]);
	free(q->units);
	*q = (qa_md)QA_MD_INIT;
}

static qa_md_status reject(qa_md *q, size_t line, const char *fmt, ...)
{
	char message[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	qa_md_free(q);
	q->error_line = line;
	snprintf(q->error, sizeof q->error, "line %zu: %s", line, message);
	return QA_MD_INVALID;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A span of the line: [s, s + len). */
typedef struct span {
	const char *s;
	size_t len;
} span;

static span trim(span x)
{
	while (x.len && is_space(x.s[0]))
		x.s++, x.len--;
	while (x.len && is_space(x.s[x.len - 1]))
		x.len--;
	return x;
}

static char *copy(span x)
{
	char *c = malloc(x.len + 1);
	if (c) {
		memcpy(c, x.s, x.len);
		c[x.len] = '\0';
	}
	return c;
}

typedef enum { NO_TIME, TIME_OK, TIME_OUT_OF_RANGE } time_match;

/* A time at the start of x: M:SS or H:MM:SS, optional fraction, followed
 * by a space or the end; *used is its length. */
static time_match read_time(span x, size_t *used, double *seconds)
{
	double fields[3];
	size_t nfields = 0, i = 0;
	for (;;) {
		size_t start = i;
		double v = 0;
		while (i < x.len && is_digit(x.s[i]) && i - start < 9)
			v = v * 10 + (x.s[i++] - '0');
		if (i == start || (nfields > 0 && i - start != 2))
			return NO_TIME;
		fields[nfields++] = v;
		if (nfields == 3 || i + 1 >= x.len || x.s[i] != ':' || !is_digit(x.s[i + 1]))
			break;
		i++;
	}
	if (nfields < 2)
		return NO_TIME;
	double fraction = 0;
	if (i + 1 < x.len && x.s[i] == '.' && is_digit(x.s[i + 1]))
		for (double scale = 0.1; ++i < x.len && is_digit(x.s[i]); scale /= 10)
			fraction += (x.s[i] - '0') * scale;
	if (i < x.len && !is_space(x.s[i]))
		return NO_TIME;
	*used = i;
	if (fields[nfields - 1] > 59 || (nfields == 3 && fields[1] > 59))
		return TIME_OUT_OF_RANGE;
	*seconds = (nfields == 3 ? fields[0] * 3600 + fields[1] * 60 + fields[2]
	                         : fields[0] * 60 + fields[1]) +
	           fraction;
	return TIME_OK;
}

/* "Q: ", "Q (Name): ", "A: " or "A (Name): " at the start of x, for the
 * letter; *who is the name (len 0 when none); the rest after the ':'. */
static bool read_label(span x, char letter, span *who, span *rest)
{
	size_t i = 1;
	*who = (span){x.s, 0};
	if (x.len < 2 || x.s[0] != letter)
		return false;
	while (i < x.len && is_space(x.s[i]))
		i++;
	if (i < x.len && x.s[i] == '(') {
		const char *close = memchr(x.s + i, ')', x.len - i);
		if (!close)
			return false;
		*who = trim((span){x.s + i + 1, (size_t)(close - x.s) - i - 1});
		i = (size_t)(close - x.s) + 1;
	}
	if (i >= x.len || x.s[i] != ':')
		return false;
	*rest = trim((span){x.s + i + 1, x.len - i - 1});
	return true;
}

/* The last " / A" in x that starts an answer label, or NULL. */
static const char *answer_split(span x, span *who, span *rest)
{
	for (size_t i = x.len; i-- > 0;) {
		if (x.s[i] != '/' || i == 0 || !is_space(x.s[i - 1]))
			continue;
		span after = trim((span){x.s + i + 1, x.len - i - 1});
		if (read_label(after, 'A', who, rest))
			return x.s + i;
	}
	return NULL;
}

static qa_md_status push(qa_md *q, double t, span question, span qwho, span answer, span awho,
                         size_t line)
{
	if (q->count == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		qa_md_unit *grown = realloc(q->units, cap * sizeof *grown);
		if (!grown)
			return QA_MD_NOMEM;
		q->units = grown;
		q->cap = cap;
	}
	qa_md_unit u = {t,
	                copy(question),
	                qwho.len ? copy(qwho) : NULL,
	                copy(answer),
	                awho.len ? copy(awho) : NULL,
	                line};
	if (!u.question || !u.answer || (qwho.len && !u.question_speaker) ||
	    (awho.len && !u.answer_speaker)) {
		unit_free(&u);
		return QA_MD_NOMEM;
	}
	q->units[q->count++] = u;
	return QA_MD_OK;
}

static qa_md_status parse_line(qa_md *q, span x, size_t line)
{
	x = trim(x);
	if (x.len < 2 || (x.s[0] != '-' && x.s[0] != '*' && x.s[0] != '+') || !is_space(x.s[1]))
		return QA_MD_OK; /* not a list item: a heading, prose */
	x = trim((span){x.s + 2, x.len - 2});
	size_t used = 0;
	double t = 0;
	time_match m = read_time(x, &used, &t);
	if (m == NO_TIME)
		return QA_MD_OK; /* a note */
	if (m == TIME_OUT_OF_RANGE)
		return reject(q, line, "time \"%.*s\" has minutes or seconds of 60 or more",
		              (int)used, x.s);
	span body = trim((span){x.s + used, x.len - used}), qwho, question, awho, answer;
	if (!read_label(body, 'Q', &qwho, &question)) {
		/* A timed note, unless it has an answer: then "Q:" is missing. */
		if (!answer_split(body, &awho, &answer))
			return QA_MD_OK;
		return reject(q, line, "expected \"Q:\" after the time (- 12:34 Q: ... / A: ...)");
	}
	const char *split = answer_split(question, &awho, &answer);
	if (!split)
		return reject(q, line,
		              "the question needs \" / A: \" and the answer's first words");
	question = trim((span){question.s, (size_t)(split - question.s)});
	if (question.len == 0)
		return reject(q, line, "the question is empty");
	if (answer.len == 0)
		return reject(q, line, "the answer is empty: give its first words");
	if (q->count && t < q->units[q->count - 1].t)
		return reject(q, line, "this question is earlier than the one on line %zu",
		              q->units[q->count - 1].line);
	return push(q, t, question, qwho, answer, awho, line);
}

qa_md_status qa_md_parse(const char *buf, size_t len, qa_md *out)
{
	strbuf text = STRBUF_INIT;
	qa_md_status status = QA_MD_OK;
	if (!text_normalize(buf, len, TEXT_UTF8_REPLACE, &text, NULL))
		return QA_MD_NOMEM;
	size_t pos = 0, number = 1;
	while (pos < text.len && status == QA_MD_OK) {
		const char *line = text.data + pos;
		const char *lf = memchr(line, '\n', text.len - pos);
		size_t n = lf ? (size_t)(lf - line) : text.len - pos;
		status = parse_line(out, (span){line, n}, number++);
		pos += n + 1;
	}
	if (status == QA_MD_NOMEM)
		qa_md_free(out);
	sb_free(&text);
	return status;
}
