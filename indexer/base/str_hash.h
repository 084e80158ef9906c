/* str_hash: a 64-bit hash of a NUL-terminated string, for hash tables
 * (word_count.c) and for a fixed pseudo-random order (index_update.c's
 * scattered build order). Not for anything an attacker must not steer.
 *
 * FNV-1a, then MurmurHash3's 64-bit finaliser. FNV-1a alone leaves its low
 * k bits depending only on the low k bits of each byte, and its high bits
 * mostly on the first bytes: strings that differ only in digits or only
 * at the end ("w1" ... "w999999"; the same day's recordings) would share
 * probe runs in a table, or keep their order when sorted by hash. The
 * finaliser mixes every bit into every other. libc only. */
#ifndef QA_STR_HASH_H
#define QA_STR_HASH_H

#include <stdint.h>

uint64_t str_hash(const char *s);

#endif
