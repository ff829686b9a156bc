/* Fuzzes the NDJSON line reader: the lines it hands over, each followed by a newline, must
 * give back the input (a last line may lack its newline), and a line over the limit must
 * come cut, with what came before it intact. The first byte picks a small limit. */
#include "core/lines.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t limit = data[0];
    data++, size--;
    FILE *in = fmemopen(size ? (void *)data : (void *)"", size, "r");
    if (!in)
        return 0;
    struct line_reader r = {.in = in, .limit = limit};
    size_t done = 0, len;
    const char *line;
    while ((line = line_next(&r, &len))) {
        if (len > limit) {
            /* Cut: what it holds is the input from here, without a newline in the limit. */
            if (len > size - done || memcmp(line, data + done, len) != 0 ||
                memchr(line, '\n', limit + 1))
                abort();
            done = size;
            break;
        }
        if (len > size - done || memcmp(line, data + done, len) != 0 || line[len] != '\0' ||
            memchr(line, '\n', len))
            abort();
        done += len;
        if (done < size) {
            if (data[done] != '\n')
                abort();
            done++;
        }
    }
    if (done != size || ferror(in))
        abort();
    line_reader_fini(&r);
    fclose(in);
    return 0;
}
