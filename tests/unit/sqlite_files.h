/* A SQLite database's files, for the unit tests that make one. */
#ifndef TESTS_UNIT_SQLITE_FILES_H
#define TESTS_UNIT_SQLITE_FILES_H

#include <stdio.h>
#include <unistd.h>

/* Removes the database at path, its write-ahead log and its shared-memory index. */
static inline void remove_sqlite_files(const char *path)
{
    char p[4096 + 8];
    unlink(path);
    snprintf(p, sizeof(p), "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", path);
    unlink(p);
}

#endif
