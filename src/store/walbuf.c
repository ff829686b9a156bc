/* The log-batching VFS: see walbuf.h. The frame layout it relies on is SQLite's documented
 * file format (sqlite.org/fileformat2.html, "The Write-Ahead Log"): a 32-byte log header at
 * offset 0, then frames of a 24-byte header and a page, the header's bytes 4-7 being the
 * database's size in pages for a commit frame and zero for the others. */
#include "walbuf.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum {
    LOG_HEADER = 32,
    FRAME_HEADER = 24,
    /* SQLite's own file layer writes at most 128 KiB - 1 at a time (it masks larger sizes):
     * a long transaction's frames go out in writes of at most that. */
    WRITE_MAX = 0x1ffff,
    PAGE_MAX = 65536,
};

struct wb_file {
    sqlite3_file base; /* first: SQLite sees this */
    sqlite3_file *real;
    int is_log;
    /* Frames waiting: bytes [start, start + len) of the log, in a buffer of WRITE_MAX bytes
     * allocated at the first frame (only what a transaction fills becomes resident). */
    unsigned char *buf;
    sqlite3_int64 start;
    size_t len;
    /* The last write was a frame header at header_at (waiting in buf, or written): its page
     * comes next, at header_at + 24. */
    int header_last;
    int commit; /* ... and it is a commit frame's */
    sqlite3_int64 header_at;
    int page_size; /* of the last frame's page; the largest SQLite makes until one is seen */
    /* Where the next new frame of this connection's transaction starts, when known (-1 when
     * not): frame headers written anywhere else rewrite old frames (SQLite's checksum pass
     * after a commit) and go straight out. */
    sqlite3_int64 next_new;
};

static sqlite3_vfs *base_vfs;
static sqlite3_vfs wb_vfs;

static sqlite3_file *real_of(sqlite3_file *f)
{
    return ((struct wb_file *)f)->real;
}

/* Writes what waits; afterwards nothing does, even when the write failed (the transaction
 * that wrote it then fails, and frames past the log's last commit are never read). */
static int flush(struct wb_file *f)
{
    if (f->len == 0)
        return SQLITE_OK;
    int rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->start);
    f->len = 0;
    return rc;
}

/* True when a write at off of n bytes continues what waits and still fits one write. */
static int continues(const struct wb_file *f, sqlite3_int64 off, size_t n)
{
    return off == f->start + (sqlite3_int64)f->len && f->len + n <= WRITE_MAX;
}

/* Adds a write that continues what waits (or starts it); 0 when there is no memory for it. */
static int wait_for(struct wb_file *f, const void *data, size_t n, sqlite3_int64 off)
{
    if (!f->buf && !(f->buf = sqlite3_malloc(WRITE_MAX)))
        return 0;
    if (f->len == 0)
        f->start = off;
    memcpy(f->buf + f->len, data, n);
    f->len += n;
    return 1;
}

static int wb_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 off)
{
    struct wb_file *f = (struct wb_file *)file;
    if (!f->is_log)
        return f->real->pMethods->xWrite(f->real, data, amount, off);
    size_t n = (size_t)amount;
    int page_of_header = f->header_last && off == f->header_at + FRAME_HEADER;
    int is_commit = f->header_last && f->commit;
    f->header_last = 0;

    if (n == FRAME_HEADER && off == f->next_new) { /* a new frame's header: its page follows */
        if (f->len > 0 && !continues(f, off, FRAME_HEADER + (size_t)f->page_size)) {
            int rc = flush(f);
            if (rc != SQLITE_OK)
                return rc;
        }
        const unsigned char *h = data;
        f->header_last = 1;
        f->commit = (h[4] | h[5] | h[6] | h[7]) != 0;
        f->header_at = off;
        if (wait_for(f, data, n, off))
            return SQLITE_OK;
        int rc = flush(f); /* no memory: straight out */
        return rc != SQLITE_OK ? rc : f->real->pMethods->xWrite(f->real, data, amount, off);
    }
    if (page_of_header) {
        f->next_new = off + amount;
        f->page_size = amount;
        if (f->len > 0 && continues(f, off, n) && wait_for(f, data, n, off))
            return is_commit ? flush(f) : SQLITE_OK;
    }
    int rc = flush(f);
    if (rc != SQLITE_OK)
        return rc;
    if (n == FRAME_HEADER) { /* a header rewritten, or one of a frame that follows another
                                connection's: out now; a page may follow */
        f->header_last = 1;
        f->commit = 0;
        f->header_at = off;
    } else if (off == 0 && n == LOG_HEADER) {
        f->next_new = LOG_HEADER; /* the log starts again */
    }
    return f->real->pMethods->xWrite(f->real, data, amount, off);
}

/* The log's other uses see the file as SQLite wrote it: what waits goes out first. */
#define FLUSHED(f)                                                                                 \
    do {                                                                                           \
        int flush_rc = flush((struct wb_file *)(f));                                               \
        if (flush_rc != SQLITE_OK)                                                                 \
            return flush_rc;                                                                       \
    } while (0)

static int wb_close(sqlite3_file *file)
{
    struct wb_file *f = (struct wb_file *)file;
    int rc = flush(f);
    int closed = f->real->pMethods->xClose(f->real);
    sqlite3_free(f->buf);
    f->buf = NULL;
    return rc != SQLITE_OK ? rc : closed;
}

static int wb_read(sqlite3_file *file, void *data, int amount, sqlite3_int64 off)
{
    FLUSHED(file);
    return real_of(file)->pMethods->xRead(real_of(file), data, amount, off);
}

static int wb_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    FLUSHED(file);
    ((struct wb_file *)file)->next_new = -1;
    return real_of(file)->pMethods->xTruncate(real_of(file), size);
}

static int wb_sync(sqlite3_file *file, int flags)
{
    FLUSHED(file);
    return real_of(file)->pMethods->xSync(real_of(file), flags);
}

static int wb_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    FLUSHED(file);
    return real_of(file)->pMethods->xFileSize(real_of(file), size);
}

static int wb_lock(sqlite3_file *file, int level)
{
    return real_of(file)->pMethods->xLock(real_of(file), level);
}

static int wb_unlock(sqlite3_file *file, int level)
{
    return real_of(file)->pMethods->xUnlock(real_of(file), level);
}

static int wb_check_reserved(sqlite3_file *file, int *out)
{
    return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}

static int wb_file_control(sqlite3_file *file, int op, void *arg)
{
    FLUSHED(file);
    return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}

static int wb_sector_size(sqlite3_file *file)
{
    return real_of(file)->pMethods->xSectorSize(real_of(file));
}

static int wb_device_characteristics(sqlite3_file *file)
{
    return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}

/* The shared-memory methods are version 2's, xFetch and xUnfetch version 3's: a file of an
 * older version has none, and SQLite then falls back as it would for it. */
static int wb_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
    if (real_of(file)->pMethods->iVersion < 2)
        return SQLITE_IOERR_SHMMAP;
    return real_of(file)->pMethods->xShmMap(real_of(file), region, size, extend, out);
}

static int wb_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
    if (real_of(file)->pMethods->iVersion < 2)
        return SQLITE_IOERR_SHMLOCK;
    return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}

static void wb_shm_barrier(sqlite3_file *file)
{
    if (real_of(file)->pMethods->iVersion >= 2)
        real_of(file)->pMethods->xShmBarrier(real_of(file));
}

static int wb_shm_unmap(sqlite3_file *file, int delete_flag)
{
    if (real_of(file)->pMethods->iVersion < 2)
        return SQLITE_OK;
    return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}

static int wb_fetch(sqlite3_file *file, sqlite3_int64 off, int amount, void **out)
{
    *out = NULL;
    if (real_of(file)->pMethods->iVersion < 3)
        return SQLITE_OK;
    return real_of(file)->pMethods->xFetch(real_of(file), off, amount, out);
}

static int wb_unfetch(sqlite3_file *file, sqlite3_int64 off, void *page)
{
    if (real_of(file)->pMethods->iVersion < 3)
        return SQLITE_OK;
    return real_of(file)->pMethods->xUnfetch(real_of(file), off, page);
}

static const sqlite3_io_methods wb_methods = {
    .iVersion = 3,
    .xClose = wb_close,
    .xRead = wb_read,
    .xWrite = wb_write,
    .xTruncate = wb_truncate,
    .xSync = wb_sync,
    .xFileSize = wb_file_size,
    .xLock = wb_lock,
    .xUnlock = wb_unlock,
    .xCheckReservedLock = wb_check_reserved,
    .xFileControl = wb_file_control,
    .xSectorSize = wb_sector_size,
    .xDeviceCharacteristics = wb_device_characteristics,
    .xShmMap = wb_shm_map,
    .xShmLock = wb_shm_lock,
    .xShmBarrier = wb_shm_barrier,
    .xShmUnmap = wb_shm_unmap,
    .xFetch = wb_fetch,
    .xUnfetch = wb_unfetch,
};

/* The real file's structure follows ours, aligned for anything. */
enum { REAL_AT = (sizeof(struct wb_file) + 15) & ~(size_t)15 };

static int wb_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    struct wb_file *f = (struct wb_file *)file;
    memset(f, 0, sizeof(*f));
    f->real = (sqlite3_file *)((char *)file + REAL_AT);
    int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK) {
        if (f->real->pMethods)
            f->real->pMethods->xClose(f->real);
        f->base.pMethods = NULL; /* SQLite then does not call xClose */
        return rc;
    }
    f->is_log = (flags & SQLITE_OPEN_WAL) != 0;
    f->next_new = -1;
    f->page_size = PAGE_MAX;
    f->base.pMethods = &wb_methods;
    return SQLITE_OK;
}

/* Everything else is the default VFS's. */
static int wb_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return base_vfs->xDelete(base_vfs, name, sync_dir);
}

static int wb_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return base_vfs->xAccess(base_vfs, name, flags, out);
}

static int wb_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return base_vfs->xFullPathname(base_vfs, name, n, out);
}

static void *wb_dl_open(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return base_vfs->xDlOpen(base_vfs, name);
}

static void wb_dl_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    base_vfs->xDlError(base_vfs, n, out);
}

static void (*wb_dl_sym(sqlite3_vfs *vfs, void *lib, const char *name))(void)
{
    (void)vfs;
    return base_vfs->xDlSym(base_vfs, lib, name);
}

static void wb_dl_close(sqlite3_vfs *vfs, void *lib)
{
    (void)vfs;
    base_vfs->xDlClose(base_vfs, lib);
}

static int wb_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return base_vfs->xRandomness(base_vfs, n, out);
}

static int wb_sleep(sqlite3_vfs *vfs, int microseconds)
{
    (void)vfs;
    return base_vfs->xSleep(base_vfs, microseconds);
}

static int wb_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return base_vfs->xCurrentTime(base_vfs, out);
}

static int wb_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return base_vfs->xGetLastError(base_vfs, n, out);
}

static int wb_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return base_vfs->xCurrentTimeInt64(base_vfs, out);
}

bool walbuf_register(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    if (!base_vfs || base_vfs->iVersion < 2)
        return false;
    wb_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)REAL_AT + base_vfs->szOsFile,
        .mxPathname = base_vfs->mxPathname,
        .zName = "screendesk-walbuf",
        .xOpen = wb_open,
        .xDelete = wb_delete,
        .xAccess = wb_access,
        .xFullPathname = wb_full_pathname,
        .xDlOpen = wb_dl_open,
        .xDlError = wb_dl_error,
        .xDlSym = wb_dl_sym,
        .xDlClose = wb_dl_close,
        .xRandomness = wb_randomness,
        .xSleep = wb_sleep,
        .xCurrentTime = wb_current_time,
        .xGetLastError = wb_last_error,
        .xCurrentTimeInt64 = wb_current_time_int64,
    };
    return sqlite3_vfs_register(&wb_vfs, 1) == SQLITE_OK;
}
