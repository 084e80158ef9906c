/* bench_parse: transcript parser throughput and memory on a generated
 * transcript (default 100 MB), for WebVTT and SRT.
 *
 * The machine is shared and noisy, so every figure is a median of several
 * runs and is also given as a ratio to a reference measured in the same run:
 * a plain pass over the same bytes (counting line feeds with memchr), the
 * least any parser must do. Linearity is checked by parsing a 1/10 slice
 * too: a quadratic parser would take ~100x longer per MB on the full size.
 *
 * usage: bench_parse [MEGABYTES] [RUNS]
 *        bench_parse --write vtt|srt MEGABYTES FILE
 * The second form only writes the generated transcript to FILE, for
 * benchmarks of whole commands (bench/bench_cues.sh).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include "srt.h"
#include "strbuf.h"
#include "vtt.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A transcript like ours: voice tags, an entity now and then, two lines. */
static char *generate(int srt, size_t target, size_t *len)
{
	static const char *const speakers[] = {"Host", "Alban", "Nikita", "Audience"};
	strbuf sb = STRBUF_INIT;
	char line[512];
	if (!srt)
		sb_append_str(&sb, "WEBVTT\n\n");
	for (size_t i = 0; sb.len < target; i++) {
		/* 0.4 s apart keeps 100 MB of SRT under SRT's 99 hours. */
		unsigned ms = (unsigned)(i * 400);
		unsigned end = ms + 390;
		if (srt)
			snprintf(
			    line, sizeof line,
			    "%zu\n%02u:%02u:%02u,%03u --> %02u:%02u:%02u,%03u\n"
			    "<i>So</i> torch.compile &amp; FSDP2 with bfloat16 in release %zu,\n"
			    "and max-autotune picks the kernel for us.\n\n",
			    i + 1, ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000,
			    end / 3600000, end / 60000 % 60, end / 1000 % 60, end % 1000, i % 10);
		else
			snprintf(
			    line, sizeof line,
			    "%02u:%02u:%02u.%03u --> %02u:%02u:%02u.%03u align:start\n"
			    "<v %s>So torch.compile &amp; FSDP2 with bfloat16 in release %zu,\n"
			    "and max-autotune picks the kernel for us.</v>\n\n",
			    ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000, end / 3600000,
			    end / 60000 % 60, end / 1000 % 60, end % 1000, speakers[i % 4], i % 10);
		if (!sb_append_str(&sb, line)) {
			sb_free(&sb);
			return NULL;
		}
	}
	*len = sb.len;
	return sb_take(&sb);
}

static size_t reference_pass(const char *buf, size_t len)
{
	size_t lines = 0;
	const char *p = buf, *end = buf + len;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines;
}

typedef transcript_status (*parse_fn)(const char *, size_t, transcript *);

static double time_parse(parse_fn parse, const char *buf, size_t len, size_t *cues)
{
	transcript t = TRANSCRIPT_INIT;
	double t0 = now();
	transcript_status status = parse(buf, len, &t);
	double elapsed = now() - t0;
	*cues = t.cues.count;
	if (status != TRANSCRIPT_OK) {
		fprintf(stderr, "bench_parse: parse failed: %s\n", t.error);
		exit(1);
	}
	transcript_free(&t);
	return elapsed;
}

static void bench_format(const char *name, int srt, size_t megabytes, int runs)
{
	size_t len;
	char *buf = generate(srt, megabytes << 20, &len);
	if (!buf) {
		fprintf(stderr, "bench_parse: out of memory generating input\n");
		exit(1);
	}
	parse_fn parse = srt ? srt_parse : vtt_parse;
	double full[16], slice[16], ref[16];
	size_t cues = 0, slice_cues = 0, slice_len = len / 10;
	/* Cut the slice at a blank line so it is itself a valid file. */
	while (slice_len < len && !(buf[slice_len - 1] == '\n' && buf[slice_len - 2] == '\n'))
		slice_len++;
	volatile size_t sink = 0;
	long rss_before = peak_rss_kb();
	for (int r = 0; r < runs; r++) {
		double t0 = now();
		sink += reference_pass(buf, len);
		ref[r] = now() - t0;
		full[r] = time_parse(parse, buf, len, &cues);
		slice[r] = time_parse(parse, buf, slice_len, &slice_cues);
	}
	long rss_after = peak_rss_kb();
	(void)sink;
	double mb = (double)len / (1 << 20), slice_mb = (double)slice_len / (1 << 20);
	double t_full = median(full, runs), t_slice = median(slice, runs),
	       t_ref = median(ref, runs);
	printf("%-6s %7.1f MB %9zu cues  median %7.3f s  %7.1f MB/s  (reference pass %8.1f MB/s, "
	       "parser/reference time %5.1fx)\n",
	       name, mb, cues, t_full, mb / t_full, mb / t_ref, t_full / t_ref);
	printf("%-6s linearity: %.1f MB in %.3f s = %.1f MB/s; per-MB time full/slice = %.2f "
	       "(1.0 = linear, 10 = quadratic)\n",
	       name, slice_mb, t_slice, slice_mb / t_slice, (t_full / mb) / (t_slice / slice_mb));
	printf("%-6s peak RSS %.0f MB with the input held; parsing added %.0f MB = %.2fx the input "
	       "(a normalized copy, then each cue's text and plain text)\n",
	       name, (double)rss_after / 1024, (double)(rss_after - rss_before) / 1024,
	       (double)(rss_after - rss_before) / 1024 / mb);
	free(buf);
}

/* --write vtt|srt MEGABYTES FILE */
static int write_generated(const char *format, const char *megabytes, const char *path)
{
	size_t len, mb = (size_t)strtoul(megabytes, NULL, 10);
	int srt = strcmp(format, "srt") == 0;
	if ((!srt && strcmp(format, "vtt") != 0) || mb == 0) {
		fprintf(stderr, "usage: bench_parse --write vtt|srt MEGABYTES FILE\n");
		return 2;
	}
	char *buf = generate(srt, mb << 20, &len);
	FILE *f = buf ? fopen(path, "wb") : NULL;
	int rc = f && fwrite(buf, 1, len, f) == len ? 0 : 1;
	if (f && fclose(f) != 0)
		rc = 1;
	if (rc)
		fprintf(stderr, "bench_parse: cannot write %s\n", path);
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--write") == 0)
		return write_generated(argv[2], argv[3], argv[4]);
	size_t megabytes = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 100;
	int runs = argc > 2 ? atoi(argv[2]) : 3;
	if (megabytes == 0 || runs < 1 || runs > 16) {
		fprintf(stderr, "usage: bench_parse [MEGABYTES] [RUNS 1..16]\n");
		return 2;
	}
	printf("bench_parse: %zu MB generated transcripts, median of %d runs\n", megabytes, runs);
	fflush(stdout);
	/* Each format in its own process, so each peak RSS is its own. */
	int failed = 0;
	for (int srt = 0; srt <= 1; srt++) {
		pid_t pid = fork();
		if (pid == 0) {
			bench_format(srt ? "srt" : "webvtt", srt, megabytes, runs);
			fflush(stdout);
			_exit(0);
		}
		int status = 0;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed = 1;
	}
	return failed;
}
