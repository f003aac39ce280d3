/* bench/anchors/sql_anchor.c — the C anchor of the SQL benchmarks (bench/run.sh,
 * docs/benchmarks.md), on one libpq connection:
 *   sql_anchor scalar CONNINFO N   N times PQexecParams("SELECT $1::int") with i as a text
 *                                  parameter; prints the sum of the results
 *   sql_anchor rows CONNINFO N     one PQexec of an N-row query (the same as the runbook's
 *                                  db.query); prints the row count and the peak RSS in KiB */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int fail(PGconn *pg, PGresult *res) {
    fprintf(stderr, "sql_anchor: %s", res ? PQresultErrorMessage(res) : PQerrorMessage(pg));
    PQclear(res);
    PQfinish(pg);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "scalar") != 0 && strcmp(argv[1], "rows") != 0)) {
        fprintf(stderr, "usage: %s scalar|rows CONNINFO N\n", argv[0]);
        return 64;
    }
    long n = strtol(argv[3], NULL, 10);
    PGconn *pg = PQconnectdb(argv[2]);
    if (PQstatus(pg) != CONNECTION_OK) return fail(pg, NULL);
    if (strcmp(argv[1], "scalar") == 0) {
        long long sum = 0;
        for (long i = 1; i <= n; i++) {
            char num[32];
            snprintf(num, sizeof num, "%ld", i);
            const char *vals[1] = {num};
            PGresult *res = PQexecParams(pg, "SELECT $1::int", 1, NULL, vals, NULL, NULL, 0);
            if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) != 1)
                return fail(pg, res);
            sum += strtoll(PQgetvalue(res, 0, 0), NULL, 10);
            PQclear(res);
        }
        printf("%lld\n", sum);
    } else {
        char q[256];
        snprintf(q, sizeof q,
                 "SELECT g AS id, 'name-' || g AS name, g * 0.5 AS score, g %% 2 = 0 AS even "
                 "FROM generate_series(1, %ld) AS g",
                 n);
        PGresult *res = PQexec(pg, q);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) return fail(pg, res);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("%d rows, peak RSS %ld KiB\n", PQntuples(res), ru.ru_maxrss);
        PQclear(res);
    }
    PQfinish(pg);
    return 0;
}
