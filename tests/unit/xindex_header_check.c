/* Compiled twice, as C and (a copy) as C++: xindex.h must be valid in both,
 * with no C++ type leaking into the C interface. Building is the test. */
#include "xindex.h"

typedef qx_status (*open_fn)(const char *, bool, qx_db **, char **);
typedef qx_status (*search_fn)(qx_db *, const qx_search_params *, qx_mset **);

const open_fn xindex_header_open = qx_db_open;
const search_fn xindex_header_search = qx_db_search;
