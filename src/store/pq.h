/* libpq, loaded the first time a PostgreSQL connection is opened. A server on SQLite never
 * maps it, nor the dozen libraries it brings (OpenSSL, Kerberos, LDAP, SASL): they were a third
 * of the start-up of every command, about 240 page faults at 20-25 us each on a virtual
 * machine. Include this header instead of <libpq-fe.h>: the calls below go through the table
 * pq_load() fills. */
#ifndef STORE_PQ_H
#define STORE_PQ_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#define PQ_FUNCTIONS(X)                                                                            \
    X(PQclear)                                                                                     \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdb)                                                                                 \
    X(PQenterPipelineMode)                                                                         \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecPrepared)                                                                              \
    X(PQexitPipelineMode)                                                                          \
    X(PQfinish)                                                                                    \
    X(PQfreemem)                                                                                   \
    X(PQgetResult)                                                                                 \
    X(PQgetisnull)                                                                                 \
    X(PQgetlength)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQntuples)                                                                                   \
    X(PQpipelineSync)                                                                              \
    X(PQprepare)                                                                                   \
    X(PQreset)                                                                                     \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsendQueryPrepared)                                                                         \
    X(PQsetSingleRowMode)                                                                          \
    X(PQstatus)                                                                                    \
    X(PQunescapeBytea)

/* Each member has the type of a pointer to the function libpq-fe.h declares. */
struct pq_api {
#define PQ_MEMBER(name) __typeof__(name) *name;
    PQ_FUNCTIONS(PQ_MEMBER)
#undef PQ_MEMBER
};

extern struct pq_api pq_api;

/* Loads libpq.so.5 and fills pq_api, once per process; safe from any thread. False, with the
 * reason in err, when the library or one of its functions is missing; then it stays false. */
bool pq_load(char *err, size_t errlen);

#ifndef PQ_LOADER
#define PQ_CALL(name)        (*pq_api.name)
#define PQclear              PQ_CALL(PQclear)
#define PQcmdTuples          PQ_CALL(PQcmdTuples)
#define PQconnectdb          PQ_CALL(PQconnectdb)
#define PQenterPipelineMode  PQ_CALL(PQenterPipelineMode)
#define PQerrorMessage       PQ_CALL(PQerrorMessage)
#define PQexec               PQ_CALL(PQexec)
#define PQexecPrepared       PQ_CALL(PQexecPrepared)
#define PQexitPipelineMode   PQ_CALL(PQexitPipelineMode)
#define PQfinish             PQ_CALL(PQfinish)
#define PQfreemem            PQ_CALL(PQfreemem)
#define PQgetResult          PQ_CALL(PQgetResult)
#define PQgetisnull          PQ_CALL(PQgetisnull)
#define PQgetlength          PQ_CALL(PQgetlength)
#define PQgetvalue           PQ_CALL(PQgetvalue)
#define PQntuples            PQ_CALL(PQntuples)
#define PQpipelineSync       PQ_CALL(PQpipelineSync)
#define PQprepare            PQ_CALL(PQprepare)
#define PQreset              PQ_CALL(PQreset)
#define PQresultErrorField   PQ_CALL(PQresultErrorField)
#define PQresultErrorMessage PQ_CALL(PQresultErrorMessage)
#define PQresultStatus       PQ_CALL(PQresultStatus)
#define PQsendQueryPrepared  PQ_CALL(PQsendQueryPrepared)
#define PQsetSingleRowMode   PQ_CALL(PQsetSingleRowMode)
#define PQstatus             PQ_CALL(PQstatus)
#define PQunescapeBytea      PQ_CALL(PQunescapeBytea)
#endif

#endif
