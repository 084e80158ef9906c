/* Which libavformat demuxers may read an upload: all of them but those
 * that take the whole file into memory, and decompress it, inside one
 * call where neither probesize nor the deadline (media_input.h) reaches.
 *
 * libgme (game music) reads VGZ, which is a gzip of VGM: any gzip named
 * .mp4 went to it, and it inflated the whole stream in memory. A
 * 250 KB gzip of zeros took 100 s and 500 MB before anything could stop
 * it (issue #16). libopenmpt also loads whole files (unpacking some
 * module archives); neither is ever a recording. */
#include "media_input.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static const char *const refused[] = {"libgme", "libopenmpt"};

static char *whitelist;
static pthread_once_t whitelist_once = PTHREAD_ONCE_INIT;

static bool is_refused(const char *name)
{
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
		if (strcmp(name, refused[i]) == 0)
			return true;
	return false;
}

/* The names of every demuxer but the refused ones, comma-separated, as
 * libavformat's format_whitelist option takes them (a demuxer's name may
 * itself be a list: "mov,mp4,m4a,..."; any one of them matches). */
static void build_whitelist(void)
{
	strbuf sb = STRBUF_INIT;
	const AVInputFormat *f;
	void *it = NULL;
	bool ok = true;
	while (ok && (f = av_demuxer_iterate(&it)) != NULL) {
		if (is_refused(f->name))
			continue;
		ok = (sb.len == 0 || sb_append_char(&sb, ',')) && sb_append_str(&sb, f->name);
	}
	if (!ok) {
		sb_free(&sb);
		return;
	}
	whitelist = sb_take(&sb);
}

const char *media_demuxer_whitelist(void)
{
	pthread_once(&whitelist_once, build_whitelist);
	return whitelist;
}
