/* media_probe_head: the first 5 MiB of an upload decide early only what
 * the whole file's probe would decide. Real recordings generated here
 * with the ffmpeg CLI (an MP4 with its index at the end, which a head
 * cannot play, must still pass; so must Matroska, MP3 behind an ID3 tag
 * and WAV), and files that are not media (random bytes, text, zeros) are
 * refused with the words of media_probe_file. (A container without audio
 * or video, such as a WebVTT file renamed .mp4, passes the head: the
 * whole file's probe refuses it, as before.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_io.h"
#include "harness.h"
#include "media_probe.h"
#include "test_fs.h"

static char *dir;

static char *generate(const char *name, const char *args)
{
	char *path = tfs_path_join(dir, name);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "ffmpeg -nostdin -v error -y %s '%s'", args, path);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot generate %s with: %s\n", name, cmd);
		exit(1);
	}
	return path;
}

/* The head verdict on the file at path, and (for a refusal) that the whole
 * file's probe refuses it too, with the same words. */
static media_status head_of(const char *path, char *why, size_t whylen)
{
	char *buf = malloc(MEDIA_HEAD_BYTES);
	size_t len = 0;
	CHECK(buf && file_read_head(path, buf, MEDIA_HEAD_BYTES, &len) == 0);
	media_status st = media_probe_head((const unsigned char *)buf, len, why, whylen);
	free(buf);
	return st;
}

static void expect_media(const char *name, const char *args)
{
	char *path = generate(name, args);
	char why[256] = "";
	media_status st = head_of(path, why, sizeof why);
	CHECK(st == MEDIA_OK);
	if (st != MEDIA_OK)
		fprintf(stderr, "%s refused: %s\n", name, why);
	free(path);
}

static void expect_refused(const char *name, const char *fill_cmd)
{
	char *path = tfs_path_join(dir, name);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, fill_cmd, path);
	CHECK(system(cmd) == 0);
	char why[256] = "";
	CHECK(head_of(path, why, sizeof why) == MEDIA_INVALID);
	media_info info;
	CHECK(media_probe_file(path, &info) == MEDIA_INVALID);
	/* "not a playable recording (<why>)" for both. */
	CHECK_STR(why, info.error);
	media_info_free(&info);
	free(path);
}

static void test_recordings_pass(void)
{
	/* 8+ MB each, so the head is 5 MiB of a longer file. */
	const char *video = "-f lavfi -i testsrc2=size=640x360:rate=25:duration=12 "
	                    "-f lavfi -i sine=frequency=440:duration=12 -c:v libx264 "
	                    "-preset ultrafast -b:v 6M -maxrate 6M -bufsize 6M -c:a aac";
	char args[512];
	snprintf(args, sizeof args, "%s -movflags -faststart", video);
	expect_media("index-at-end.mp4", args);
	snprintf(args, sizeof args, "%s -movflags +faststart", video);
	expect_media("faststart.mp4", args);
	expect_media("talk.mkv", "-f lavfi -i testsrc2=size=640x360:rate=25:duration=12 "
	                         "-c:v libx264 -preset ultrafast -b:v 6M -maxrate 6M -bufsize 6M");
	expect_media("talk.mp3", "-f lavfi -i sine=frequency=440:duration=400 -c:a libmp3lame "
	                         "-b:a 192k -metadata title=Talk -id3v2_version 3");
	expect_media("talk.wav", "-f lavfi -i sine=frequency=440:duration=60 -c:a pcm_s16le");
}

static void test_non_media_refused(void)
{
	expect_refused("random.mp4", "head -c 12000000 /dev/urandom > '%s'");
	expect_refused("zeros.mp4", "head -c 12000000 /dev/zero > '%s'");
	expect_refused("text.mov", "yes 'These are minutes, not a recording.' | head -c 12000000 "
	                           "> '%s'");
}

int main(void)
{
	media_log_silence();
	dir = tfs_make_tmpdir("media-head");
	RUN(test_recordings_pass);
	RUN(test_non_media_refused);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
