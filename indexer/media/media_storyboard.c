/* media_storyboard: a frame every few seconds, as tiles in sprite sheets
 * (media_picture.h). */
#include <math.h>
#include <stdio.h>

#include "media_picture_internal.h"

/* 160 px wide tiles, 10 x 10 to a sprite: what a hover preview shows at
 * 1x (YouTube's are the same width); a sprite of 100 tiles is about
 * 1600 x 900 px and 100-200 KB, one request per ~17 minutes at 10 s. */
#define TILE_WIDTH  160
#define TILE_MAX_H  160
#define COLUMNS     10
#define ROWS        10
#define INTERVAL    10 /* seconds, for recordings of 10 minutes and more */
#define SHORT_TILES 60 /* a shorter recording gets about this many tiles */

media_storyboard media_storyboard_layout(double duration, int width, int height)
{
	media_storyboard sb = {.columns = COLUMNS, .rows = ROWS};
	if (!(duration > 0))
		duration = 1;
	if (duration < INTERVAL * SHORT_TILES)
		sb.interval = fmax(1, ceil(duration / SHORT_TILES));
	else
		sb.interval = fmax(INTERVAL, ceil(duration / MEDIA_STORYBOARD_MAX_TILES));
	sb.tiles = (size_t)ceil(duration / sb.interval);
	if (sb.tiles == 0)
		sb.tiles = 1;
	sb.sprites = (sb.tiles + COLUMNS * ROWS - 1) / (COLUMNS * ROWS);
	media_image_fit(width > 0 ? width : 16, height > 0 ? height : 9, TILE_WIDTH, TILE_MAX_H,
	                &sb.tile_width, &sb.tile_height);
	return sb;
}

typedef struct board {
	const media_storyboard *sb;
	media_video v;
	struct SwsContext *sws;
	AVFrame *sheet;
	media_jpeg jpeg;
	char *err;
	size_t errlen;
} board;

/* Encode the sheet of sprite `index`, cut to the rows it holds, and hand
 * it on. */
static media_status flush_sheet(board *b, size_t index, size_t tiles_in_it, media_sprite_fn sprite,
                                void *arg)
{
	int rows = (int)((tiles_in_it + (size_t)b->sb->columns - 1) / (size_t)b->sb->columns);
	int full_height = b->sheet->height;
	b->sheet->height = rows * b->sb->tile_height; /* the planes stay; only the rows shown */
	media_status st = media_image_jpeg(b->sheet, &b->jpeg, b->err, b->errlen);
	b->sheet->height = full_height;
	if (st != MEDIA_OK)
		return st;
	if (!sprite(arg, index, &b->jpeg)) {
		snprintf(b->err, b->errlen, "cannot store sprite %zu", index);
		return MEDIA_INVALID;
	}
	return MEDIA_OK;
}

static media_status draw_tiles(board *b, media_sprite_fn sprite, void *sprite_arg,
                               media_progress_fn progress, void *progress_arg)
{
	const media_storyboard *sb = b->sb;
	size_t per_sheet = (size_t)sb->columns * (size_t)sb->rows;
	media_status st;
	for (size_t k = 0; k < sb->tiles; k++) {
		size_t in_sheet = k % per_sheet;
		if (in_sheet == 0 && k > 0) {
			/* A fresh sheet: the last one's tiles must not show through
			 * the short last sheet's empty places. */
			av_frame_free(&b->sheet);
			if (!(b->sheet = media_image_new(sb->columns * sb->tile_width,
			                                 sb->rows * sb->tile_height, 0, 0, 0)))
				return MEDIA_NOMEM;
		}
		/* A tile stands for its stretch of time: the key frame at most
		 * half an interval before it will do, and costs one frame's
		 * decoding instead of a whole GOP's. */
		double t = (double)k * sb->interval;
		st = media_video_near_frame(&b->v, t, t - sb->interval / 2, b->err, b->errlen);
		if (st != MEDIA_OK)
			return st;
		int x = (int)(in_sheet % (size_t)sb->columns) * sb->tile_width;
		int y = (int)(in_sheet / (size_t)sb->columns) * sb->tile_height;
		if (!media_image_scale_into(&b->sws, b->v.frame, b->sheet, x, y, sb->tile_width,
		                            sb->tile_height)) {
			snprintf(b->err, b->errlen, "cannot scale the frame at %.0f s",
			         (double)k * sb->interval);
			return MEDIA_INVALID;
		}
		bool last = k + 1 == sb->tiles;
		if ((in_sheet + 1 == per_sheet || last) &&
		    (st = flush_sheet(b, k / per_sheet, in_sheet + 1, sprite, sprite_arg)) !=
		        MEDIA_OK)
			return st;
		if (progress && !progress(progress_arg, (double)(k + 1) / (double)sb->tiles)) {
			snprintf(b->err, b->errlen, "stopped");
			return MEDIA_TIMEOUT;
		}
	}
	return MEDIA_OK;
}

media_status media_storyboard_make(const char *path, const media_storyboard *sb,
                                   media_sprite_fn sprite, void *sprite_arg,
                                   media_progress_fn progress, void *progress_arg, char *err,
                                   size_t errlen)
{
	board b = {.sb = sb, .err = err, .errlen = errlen};
	media_status st = media_video_open(&b.v, path, err, errlen);
	if (st != MEDIA_OK)
		return st;
	double hours = (double)sb->tiles * sb->interval / 3600;
	media_input_extend(&b.v.in, MEDIA_DEADLINE_SECONDS +
	                                (int)((hours + 1) * MEDIA_PICTURE_SECONDS_PER_HOUR));
	if (!(b.sheet = media_image_new(sb->columns * sb->tile_width, sb->rows * sb->tile_height, 0,
	                                0, 0))) {
		snprintf(err, errlen, "out of memory");
		st = MEDIA_NOMEM;
		goto out;
	}
	st = draw_tiles(&b, sprite, sprite_arg, progress, progress_arg);
	if (st == MEDIA_NOMEM)
		snprintf(err, errlen, "out of memory");
out:
	media_jpeg_free(&b.jpeg);
	av_frame_free(&b.sheet);
	sws_freeContext(b.sws);
	media_video_close(&b.v);
	return st;
}
