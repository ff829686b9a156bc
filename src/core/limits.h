/* Every size limit the SPEC fixes, in one place. */
#ifndef CORE_LIMITS_H
#define CORE_LIMITS_H

#define LIMIT_BODY_BYTES         (1024 * 1024) /* request body; over it: 413 */
#define LIMIT_TITLE_CHARS        255
#define LIMIT_TEXT_CHARS         65535 /* summary, description */
#define LIMIT_PAGE_ITEMS         100
#define LIMIT_NAME_CHARS         255 /* user and token names */
#define LIMIT_EMAIL_BYTES        320
#define LIMIT_IMPORT_LINE_BYTES  (4 * 1024 * 1024)
#define LIMIT_CONNECTIONS        4096
#define LIMIT_CONNECTIONS_PER_IP 512
#define LIMIT_IDLE_SECONDS       30
#define LIMIT_REQUEST_SECONDS    60    /* a whole request, headers to last body byte */
#define LIMIT_HEADER_SECONDS     20    /* from connect (or the last answer) to whole headers */
#define LIMIT_HEADER_BYTES       32768 /* request line and headers, per connection */
#define LIMIT_URL_BYTES          8192  /* over it: 414 */
#define LIMIT_RATE_PER_SECOND    100   /* per token; burst twice that */

#endif
