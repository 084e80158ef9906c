/* bench_wav: the decode + resample step of speech recognition
 * (media_wav_write) on one recording, timed.
 *
 * usage: bench_wav MEDIA OUT.wav
 * Prints "seconds=S audio_seconds=A" (wall-clock time of the step and the
 * audio's length); run it under /usr/bin/time for the peak RSS
 * (bench/bench_wav.sh does, with ffmpeg as the reference). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "media_wav.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_wav MEDIA OUT.wav\n");
		return 2;
	}
	int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(argv[2]);
		return 2;
	}
	struct timespec a, b;
	char err[300];
	uint64_t samples = 0;
	clock_gettime(CLOCK_MONOTONIC, &a);
	media_status st = media_wav_write(argv[1], fd, &samples, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	close(fd);
	if (st != MEDIA_OK) {
		fprintf(stderr, "bench_wav: %s: %s\n", argv[1], err);
		return 1;
	}
	printf("seconds=%.3f audio_seconds=%.1f\n",
	       (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       (double)samples / MEDIA_WAV_RATE);
	return 0;
}
