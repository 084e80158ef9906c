/* bench_pictures: the time a recording's pictures take (pictures_make: the
 * poster and storyboard of a video, or a sound's waveform), the bytes they
 * take on disk, and the time of a frame at a moment (pictures_at, each a
 * new one: not kept before).
 *
 * usage: bench_pictures ARCHIVE ID [MOMENTS]
 * Prints one line: make_seconds=… make_cpu=… set_bytes=… sprites=…
 * media_seconds=… moment_ms_mean=… moment_ms_max=… moment_cpu_ms=… (wall
 * and CPU time: on a shared machine the CPU time is the steadier) (bench/bench_pictures.sh runs
 * it). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pictures_at.h"
#include "pictures_make.h"
#include "media_probe.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: on a shared machine, steadier than the wall. */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bytes of the set's files (not at/), and how many sprites. */
static long long set_bytes(const char *dir, int *sprites)
{
	long long total = 0;
	DIR *d = opendir(dir);
	*sprites = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			total += (long long)st.st_size;
		if (strncmp(e->d_name, "storyboard-", 11) == 0)
			(*sprites)++;
	}
	if (d)
		closedir(d);
	return total;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_pictures ARCHIVE ID [MOMENTS]\n");
		return 2;
	}
	const char *archive = argv[1], *id = argv[2];
	int moments = argc > 3 ? atoi(argv[3]) : 20;
	char err[600];
	media_log_silence();
	pictures_make_config cfg = {.archive_dir = archive, .force = true};
	double t0 = now(), c0 = cpu();
	pictures_status st = pictures_make(&cfg, id, err, sizeof err);
	double made = now() - t0, made_cpu = cpu() - c0;
	if (st != PICTURES_OK) {
		fprintf(stderr, "bench_pictures: %s: %s\n", id, err);
		return 1;
	}
	pictures_info info;
	pictures_info_read(archive, id, &info);
	char *dir = pictures_path(archive, id, NULL);
	int sprites = 0;
	long long bytes = set_bytes(dir, &sprites);
	char media[4096];
	snprintf(media, sizeof media, "%s/%s/media.mp4", archive, id);
	double sum = 0, max = 0, sum_cpu = 0;
	int done = 0;
	for (int i = 0; info.video && i < moments; i++) {
		/* Spread over the recording, off the key frames (every 2 s). */
		double t = info.duration * (i + 0.5) / moments + 0.37;
		char *path = NULL;
		double t1 = now(), c1 = cpu();
		if (pictures_at(archive, id, media, t, &path, err, sizeof err) != PICTURES_OK) {
			fprintf(stderr, "bench_pictures: frame at %.2f: %s\n", t, err);
			free(dir);
			return 1;
		}
		double ms = (now() - t1) * 1000;
		sum_cpu += (cpu() - c1) * 1000;
		sum += ms;
		max = ms > max ? ms : max;
		done++;
		free(path);
	}
	printf("make_seconds=%.2f make_cpu=%.2f set_bytes=%lld sprites=%d media_seconds=%.1f "
	       "moment_ms_mean=%.1f moment_ms_max=%.1f moment_cpu_ms=%.1f\n",
	       made, made_cpu, bytes, sprites, info.duration, done ? sum / done : 0, max,
	       done ? sum_cpu / done : 0);
	free(dir);
	return 0;
}
