/* media_faststart_needed: where moov is, from the top-level boxes alone
 * (ISO/IEC 14496-12 §4.2), over box layouts written here byte by byte:
 * moov after mdat (also a 64-bit mdat size), moov first, no moov (a
 * fragmented file's moof), a last box "to the end of the file" (size 0),
 * a box that claims more than the file holds, a file that is not ISO
 * BMFF, an empty one and one that cannot be opened. The copy itself is
 * tested end to end on ffmpeg's files (tests/ingest/test_faststart.py). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "media_faststart.h"
#include "test_fs.h"

static char *dir;

/* A box: 32-bit size (or 1 and a 64-bit one when big), type, zeros. */
static size_t box(unsigned char *out, const char *type, uint64_t payload, int big)
{
	uint64_t size = payload + (big ? 16 : 8);
	size_t at = 0;
	uint32_t small = big ? 1 : (uint32_t)size;
	for (int i = 3; i >= 0; i--)
		out[at++] = (unsigned char)(small >> (8 * i));
	memcpy(out + at, type, 4);
	at += 4;
	for (int i = 7; big && i >= 0; i--)
		out[at++] = (unsigned char)(size >> (8 * i));
	memset(out + at, 0, (size_t)payload);
	return at + (size_t)payload;
}

/* Write the boxes "type:payload[:big]" (space-separated), and answer. */
static int needed(const char *layout)
{
	static unsigned char buf[1 << 16];
	size_t len = 0;
	char copy[256];
	snprintf(copy, sizeof copy, "%s", layout);
	for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " ")) {
		char type[5] = "";
		unsigned payload = 0, big = 0;
		sscanf(tok, "%4[^:]:%u:%u", type, &payload, &big);
		len += box(buf + len, type, payload, (int)big);
	}
	char *path = tfs_path_join(dir, "boxes.mp4");
	FILE *f = fopen(path, "wb");
	fwrite(buf, 1, len, f);
	fclose(f);
	bool answer = true;
	char err[256];
	media_status st = media_faststart_needed(path, &answer, err, sizeof err);
	free(path);
	return st != MEDIA_OK ? -1 : answer;
}

static void test_layouts(void)
{
	CHECK(needed("ftyp:20 free:0 mdat:4000 moov:300") == 1);
	CHECK(needed("ftyp:20 mdat:4000:1 moov:300") == 1);
	CHECK(needed("ftyp:20 moov:300 mdat:4000") == 0);
	CHECK(needed("ftyp:20 moov:300 moof:100 mdat:400 moof:100 mdat:400") == 0);
	CHECK(needed("ftyp:20 mdat:4000") == 0);
	CHECK(needed("mdat:4000 moov:300") == 1); /* old QuickTime: no ftyp */
	CHECK(needed("RIFF:4000 moov:300") == 0); /* not ISO BMFF */
	CHECK(needed("") == 0);
}

/* mdat "to the end of the file" (size 0) then nothing; a box that claims
 * more than the file: damaged, left to the probe. */
static void test_sizes(void)
{
	unsigned char buf[64] = {0, 0, 0, 16, 'f', 't', 'y', 'p'};
	memcpy(buf + 16, "\0\0\0\0mdat", 8);
	char *path = tfs_path_join(dir, "zero.mp4");
	FILE *f = fopen(path, "wb");
	fwrite(buf, 1, 40, f);
	fclose(f);
	bool answer = true;
	CHECK(media_faststart_needed(path, &answer, NULL, 0) == MEDIA_OK && !answer);
	memcpy(buf + 16, "\0\0\x10\0mdat", 8); /* 4096 bytes in a 40-byte file */
	memcpy(buf + 32, "\0\0\0\x08moov", 8);
	f = fopen(path, "wb");
	fwrite(buf, 1, 40, f);
	fclose(f);
	CHECK(media_faststart_needed(path, &answer, NULL, 0) == MEDIA_OK && !answer);
	free(path);
	char err[256] = "";
	path = tfs_path_join(dir, "missing.mp4");
	CHECK(media_faststart_needed(path, &answer, err, sizeof err) == MEDIA_UNREADABLE &&
	      !answer && strstr(err, "missing.mp4") != NULL);
	free(path);
}

int main(void)
{
	dir = tfs_make_tmpdir("media-faststart");
	RUN(test_layouts);
	RUN(test_sizes);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
