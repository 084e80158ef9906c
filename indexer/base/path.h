/* path: file-system path helpers shared by the indexer's modules. */
#ifndef QA_PATH_H
#define QA_PATH_H

/* "<dir>/<name>", without doubling a '/' that dir already ends with.
 * Caller frees; NULL when out of memory. */
char *path_join(const char *dir, const char *name);

#endif
