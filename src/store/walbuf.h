/* A VFS over SQLite's default one that writes a transaction's log frames together.
 *
 * SQLite appends each frame to the write-ahead log in two writes, its 24-byte header and then
 * its page, so each page a SCIM user changes costs two system calls, and on a virtual machine a
 * system call is the dearest part of a small write. Here a frame header waits for its page, and
 * the frames of one transaction wait in a buffer until the write of its commit frame's page,
 * which writes them all in one call and reports that call's failure as its own: nothing SQLite
 * then publishes to readers (the log index, after that write returns) refers to data not yet in
 * the file, and a failed write fails the commit as before. Any other use of the log file (a
 * read, a sync, its size, a truncation, a write elsewhere, closing it) writes what waits first.
 * Every other file goes straight through. */
#ifndef STORE_WALBUF_H
#define STORE_WALBUF_H

#include <stdbool.h>

/* Registers the VFS as SQLite's default; once per process, before the first connection.
 * False when SQLite has no default VFS to build on (then connections use SQLite's own). */
bool walbuf_register(void);

#endif
