/* support/conninfo.h — the passwords in PostgreSQL connection strings (docs/sql.md,
 * docs/secrets.md): sql.connect registers them as secrets and shows the string with them
 * replaced by ***; the VM registers those of every postgres URI that appears in any text it
 * writes, and the preflight those of every env and param value, so that a password is masked
 * in every record written before sql.connect is reached too.
 * Owns: the forms recognised: a URI (postgresql:// or postgres://) with user:PASSWORD@ in its
 * authority and/or password=PASSWORD in its query, and the libpq key/value form
 * (password=PASSWORD or password='PASS WORD'). Each password is reported as written and, when
 * different, percent-decoded (URI) or unquoted (key/value).
 * Shares invariants with: stdlib/std_sql.c (sql.connect), vm/vm.c (masking, preflight). */
#ifndef RBK_CONNINFO_H
#define RBK_CONNINFO_H
#include <stddef.h>
#include "sbuf.h"

typedef void (*rbk_secret_fn)(void *ctx, const char *s, size_t n);

/* s is a whole connection string (a URI or key/value pairs): calls add for each password, and
 * appends s to shown (when not NULL) with each password replaced by "***" (a malformed
 * key/value string is shown up to the first pair it cannot read, then " ..."). */
void rbk_conninfo_passwords(const char *s, rbk_sbuf *shown, rbk_secret_fn add, void *ctx);
/* Calls add for the password of every postgres URI found anywhere in text[0..n) (a URI ends at
 * white space or a quote). The key/value form is not looked for in free text. */
void rbk_conninfo_scan(const char *text, size_t n, rbk_secret_fn add, void *ctx);
#endif
