/* Compiled twice, as C and (a copy) as C++: xindex.h must be valid in both,
 * with no C++ type leaking into the C interface. Building is the test. */
#include "xindex.h"

typedef qx_status (*open_fn)(const char *, bool, qx_db **, char **);
typedef qx_status (*search_fn)(qx_db *, const qx_search_params *, qx_mset **);

bool xindex_header_check(void);

bool xindex_header_check(void)
{
	open_fn open = qx_db_open;
	search_fn search = qx_db_search;
	qx_field field = {"release", "XRELEASE", true, NULL};
	return open != 0 && search != 0 && field.boolean;
}
