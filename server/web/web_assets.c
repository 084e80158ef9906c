#include "web_assets.h"

#include <string.h>

/* The table is generated (cmake/embed_web.cmake) into the build tree and
 * compiled into this library; pages link assets through it (html.c) and
 * api/h_static.c serves them. */
const http_asset *http_asset_find(const char *name)
{
	for (size_t i = 0; name && i < http_asset_count; i++)
		if (strcmp(http_assets[i].name, name) == 0)
			return &http_assets[i];
	return NULL;
}
