/* media_wav: recordings generated here with the ffmpeg CLI (the test's
 * input only; the code under test decodes in-process) become 16 kHz mono
 * 16-bit WAV of the right length, with a header that says so. */
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "media_wav.h"
#include "test_fs.h"

static char *dir;

static uint32_t le(const unsigned char *p, int bytes)
{
	uint32_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* ffmpeg -f lavfi with `source`, encoded as `codec` into dir/name. */
static char *generate(const char *name, const char *source, const char *codec)
{
	char *path = tfs_path_join(dir, name);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "ffmpeg -v error -y %s %s '%s'", source, codec, path);
	if (system(cmd) != 0) {
		fprintf(stderr, "cannot generate %s with: %s\n", name, cmd);
		exit(1);
	}
	return path;
}

/* Decode `media` and check the WAV: header fields, data size against the
 * file size and the sample count, length within 50 ms of `seconds`, and
 * a loud enough signal (the tone survived the mixdown). */
static void check_wav(const char *media, double seconds)
{
	char *wav = tfs_path_join(dir, "out.wav");
	int fd = open(wav, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	uint64_t samples = 0;
	char err[256] = "";
	media_status st = media_wav_write(media, fd, &samples, err, sizeof err);
	close(fd);
	CHECK(st == MEDIA_OK);
	if (st != MEDIA_OK)
		fprintf(stderr, "  %s: %s\n", media, err);
	FILE *f = fopen(wav, "rb");
	static unsigned char buf[1 << 22];
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	CHECK(n >= MEDIA_WAV_HEADER && memcmp(buf, "RIFF", 4) == 0 &&
	      memcmp(buf + 8, "WAVEfmt ", 8) == 0 && memcmp(buf + 36, "data", 4) == 0);
	CHECK(le(buf + 20, 2) == 1 && le(buf + 22, 2) == 1);      /* PCM, mono */
	CHECK(le(buf + 24, 4) == 16000 && le(buf + 34, 2) == 16); /* 16 kHz, 16-bit */
	CHECK(le(buf + 40, 4) == samples * 2 && n == MEDIA_WAV_HEADER + samples * 2);
	CHECK(le(buf + 4, 4) == n - 8);
	harness_check_num((double)samples / 16000, seconds, 0.05, "seconds of audio", __FILE__,
	                  __LINE__);
	double sum = 0;
	for (size_t i = MEDIA_WAV_HEADER; i + 1 < n; i += 2) {
		double s = (int16_t)le(buf + i, 2);
		sum += s * s;
	}
	double rms = n > MEDIA_WAV_HEADER ? sqrt(sum / ((n - MEDIA_WAV_HEADER) / 2.0)) : 0;
	CHECK(rms > 1000);
	free(wav);
}

/* Stereo 44.1 kHz AAC in MP4, as most recordings come. */
static void test_aac_stereo(void)
{
	char *m = generate("tone.m4a",
	                   "-f lavfi -i sine=frequency=440:sample_rate=44100:duration=3.5 "
	                   "-f lavfi -i sine=frequency=660:sample_rate=44100:duration=3.5 "
	                   "-filter_complex amerge=inputs=2",
	                   "-c:a aac -b:a 96k");
	check_wav(m, 3.5);
	free(m);
}

/* 48 kHz Opus in WebM with a video stream before the audio. */
static void test_opus_with_video(void)
{
	char *m = generate("clip.webm",
	                   "-f lavfi -i color=c=blue:s=64x48:r=10:d=2.2 "
	                   "-f lavfi -i sine=frequency=300:sample_rate=48000:duration=2.2",
	                   "-c:v libvpx -c:a libopus -shortest");
	check_wav(m, 2.2);
	free(m);
}

/* 8 kHz mono PCM: upsampled, not just copied. */
static void test_upsample(void)
{
	char *m = generate("low.wav", "-f lavfi -i sine=frequency=500:sample_rate=8000:duration=1",
	                   "-c:a pcm_s16le");
	check_wav(m, 1.0);
	free(m);
}

static void test_no_audio(void)
{
	char *m =
	    generate("silent.webm", "-f lavfi -i color=c=red:s=64x48:r=10:d=1", "-c:v libvpx");
	char *wav = tfs_path_join(dir, "none.wav");
	int fd = open(wav, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char err[256] = "";
	uint64_t samples = 7;
	CHECK(media_wav_write(m, fd, &samples, err, sizeof err) == MEDIA_INVALID);
	CHECK(samples == 0);
	CHECK(strstr(err, "no audio stream") != NULL);
	close(fd);
	free(wav);
	free(m);
}

static void test_not_media(void)
{
	tfs_write_file(dir, "text.mp4", "WEBVTT\n\nthis is not a recording\n");
	char *path = tfs_path_join(dir, "text.mp4");
	char *wav = tfs_path_join(dir, "none.wav");
	int fd = open(wav, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char err[256] = "";
	media_status st = media_wav_write(path, fd, NULL, err, sizeof err);
	CHECK(st == MEDIA_INVALID || st == MEDIA_UNREADABLE);
	CHECK(err[0] != '\0');
	close(fd);
	free(wav);
	free(path);
}

int main(void)
{
	dir = tfs_make_tmpdir("media-wav");
	RUN(test_aac_stereo);
	RUN(test_opus_with_video);
	RUN(test_upsample);
	RUN(test_no_audio);
	RUN(test_not_media);
	tfs_rm_rf(dir);
	free(dir);
	return harness_finish();
}
