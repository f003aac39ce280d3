/* support/jsonw.h — the one JSON writer of the outputs: the JSON report (cli/report_json.c),
 * `runbook plan --format json` (cli/plan.c), the JSON event log (--log-format json,
 * cli/render.c) and the journal's records (cli/journal.c). Pretty: two-space indentation, one
 * value per line, `"key": value`, an empty container as {} or [] (a report or a plan diffs line
 * by line). Compact: one line, no space.
 * Strings are escaped by the function given (rbk_sbuf_add_json_str, or rbk_text_json_str where
 * the text must also come out as valid UTF-8 without controls). Reading JSON is jansson's.
 * Keys and values go in the order written; nesting is the code's, at most RBK_JW_MAX_DEPTH. */
#ifndef RBK_JSONW_H
#define RBK_JSONW_H
#include <stdint.h>
#include "sbuf.h"

enum { RBK_JW_MAX_DEPTH = 32 };

typedef struct rbk_jw {
    rbk_sbuf *b;
    int pretty;
    void (*esc)(rbk_sbuf *b, const char *s, size_t n);
    int depth, after_key;
    unsigned char first[RBK_JW_MAX_DEPTH];
} rbk_jw;

void rbk_jw_init(rbk_jw *w, rbk_sbuf *b, int pretty, void (*esc)(rbk_sbuf *b, const char *s, size_t n));
/* Each value function takes its key, or NULL for an element of an array. */
void rbk_jw_key(rbk_jw *w, const char *k);
void rbk_jw_open(rbk_jw *w, const char *k, char c);   /* '{' or '[' */
void rbk_jw_close(rbk_jw *w, char c);
void rbk_jw_str(rbk_jw *w, const char *k, const char *s); /* s NULL: null */
void rbk_jw_int(rbk_jw *w, const char *k, int64_t v);
void rbk_jw_uint(rbk_jw *w, const char *k, uint64_t v);
void rbk_jw_num(rbk_jw *w, const char *k, double v);     /* %.10g; NaN or infinite: null */
void rbk_jw_bool(rbk_jw *w, const char *k, int v);
void rbk_jw_null(rbk_jw *w, const char *k);
/* A value that is JSON already (compact, built elsewhere: the checkpoint's state and result,
 * a resume's decisions), written as it is. */
void rbk_jw_raw(rbk_jw *w, const char *k, const char *json);
#endif
