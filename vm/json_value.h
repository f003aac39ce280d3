/* vm/json_value.h — JSON text → runtime values (jansson). The other direction is
 * rbk_value_json in vm/value.c.
 * Owns: the mapping JSON object → map (key order preserved, duplicate keys: last value wins at
 * the first key's position), array → list, integer → int, real → float, true/false → bool,
 * null → nil, string → string (may contain NUL bytes).
 * Shares invariants with: stdlib/std_data.c (json.parse), stdlib/std_http.c (a response's
 * .json), stdlib/std_sql.c (json/jsonb columns), vm/vm.c (a list or map given with --param). In vm/ for
 * that last one: the layers go one way (docs/internals.md). */
#ifndef RBK_JSON_VALUE_H
#define RBK_JSON_VALUE_H
#include <stddef.h>
#include "../support/sbuf.h"
#include "value.h"

/* Parses n bytes of JSON text (any value at top level, not only objects/arrays).
 * Returns 0 with *out set (owned by the caller), or -1 with "line L column C: message"
 * appended to err (err may be NULL) and *out set to nil. */
int rbk_json_to_value(const char *text, size_t n, rbk_value *out, rbk_sbuf *err);

/* Converts a jansson json_t (passed as void * so that callers need not include jansson.h
 * here) to a value owned by the caller. NULL gives nil. The json_t is not consumed. */
rbk_value rbk_json_value_from_jansson(void *json_t_ptr);
#endif
