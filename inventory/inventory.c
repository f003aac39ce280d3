/* inventory/inventory.c — reads Ansible INI and YAML inventories and resolves groups and
 * variables as Ansible does. The contract is in inventory.h; docs/fleet.md is the user's page.
 * Owns: the inventory model (hosts, groups, their name indexes), the INI tokenizer (shlex's
 * rules), host range expansion, the YAML walk (libyaml's document API). */
#include "inventory/inventory.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "support/hash.h"
#include "support/readfile.h"

#define xrealloc rbk_xrealloc
#define xstrdup rbk_xstrdup
#define xstrndup rbk_xstrndup

#define GROW(arr, n, cap)                                                 \
    do {                                                                  \
        if ((n) == (cap)) {                                               \
            (cap) = (cap) ? (cap) * 2 : 8;                                \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));               \
        }                                                                 \
    } while (0)

/* ---- variables ---- */

static void vars_set(rbk_inv_vars *vs, const char *key, const char *value, int json) {
    for (size_t i = 0; i < vs->n; i++)
        if (strcmp(vs->v[i].key, key) == 0) {
            free(vs->v[i].value);
            vs->v[i].value = xstrdup(value);
            vs->v[i].json = json;
            return;
        }
    GROW(vs->v, vs->n, vs->cap);
    vs->v[vs->n++] = (rbk_inv_var){xstrdup(key), xstrdup(value), json};
}
static void vars_free(rbk_inv_vars *vs) {
    for (size_t i = 0; i < vs->n; i++) {
        free(vs->v[i].key);
        free(vs->v[i].value);
    }
    free(vs->v);
    *vs = (rbk_inv_vars){0};
}
static void vars_merge(rbk_inv_vars *into, const rbk_inv_vars *from) {
    for (size_t i = 0; i < from->n; i++) vars_set(into, from->v[i].key, from->v[i].value, from->v[i].json);
}

/* ---- name indexes ---- */

/* The slot of name in idx (0 when free): names(k) gives the name of index k. */
static size_t *index_slot(size_t *idx, size_t cap, const char *name, const char *(*names)(const rbk_inventory *, size_t),
                          const rbk_inventory *inv) {
    size_t mask = cap - 1, i = rbk_fnv1a_str(name) & mask;
    while (idx[i] && strcmp(names(inv, idx[i] - 1), name) != 0) i = (i + 1) & mask;
    return &idx[i];
}
static const char *host_name(const rbk_inventory *inv, size_t k) { return inv->hosts[k].name; }
static const char *group_name(const rbk_inventory *inv, size_t k) { return inv->groups[k].name; }

static void index_rebuild(rbk_inventory *inv, size_t **idx, size_t *cap, size_t n,
                          const char *(*names)(const rbk_inventory *, size_t)) {
    free(*idx);
    *cap = 16;
    while (*cap < n * 2 + 2) *cap *= 2;
    *idx = xrealloc(NULL, *cap * sizeof **idx);
    memset(*idx, 0, *cap * sizeof **idx);
    for (size_t k = 0; k < n; k++) *index_slot(*idx, *cap, names(inv, k), names, inv) = k + 1;
}

typedef const char *(*name_of)(const rbk_inventory *, size_t);
/* The index of name in a table indexed by idx (cap slots), or NONE. */
#define NONE ((size_t)-1)
static size_t index_find(const rbk_inventory *inv, const size_t *idx, size_t cap, const char *name, name_of names) {
    if (!cap) return NONE;
    size_t s = *index_slot((size_t *)idx, cap, name, names, inv);
    return s ? s - 1 : NONE;
}
/* Records entry k (the table now holds n) in its index, growing it to keep it half empty. */
static void index_insert(rbk_inventory *inv, size_t **idx, size_t *cap, size_t n, name_of names, size_t k) {
    if (n * 2 + 2 > *cap) index_rebuild(inv, idx, cap, n, names);
    else *index_slot(*idx, *cap, names(inv, k), names, inv) = k + 1;
}

static size_t host_find(const rbk_inventory *inv, const char *name) {
    return index_find(inv, inv->hindex, inv->hindex_cap, name, host_name);
}
static size_t group_find(const rbk_inventory *inv, const char *name) {
    return index_find(inv, inv->gindex, inv->gindex_cap, name, group_name);
}
/* The host (group) named name, added at the end when it is new. */
static size_t host_add(rbk_inventory *inv, const char *name, const char *file, int line) {
    size_t k = host_find(inv, name);
    if (k != NONE) return k;
    GROW(inv->hosts, inv->nhosts, inv->caphosts);
    inv->hosts[k = inv->nhosts++] = (rbk_inv_host){.name = xstrdup(name), .file = xstrdup(file), .line = line};
    index_insert(inv, &inv->hindex, &inv->hindex_cap, inv->nhosts, host_name, k);
    return k;
}
static size_t group_add(rbk_inventory *inv, const char *name, const char *file, int line) {
    size_t k = group_find(inv, name);
    if (k != NONE) return k;
    GROW(inv->groups, inv->ngroups, inv->capgroups);
    inv->groups[k = inv->ngroups++] = (rbk_inv_group){.name = xstrdup(name), .file = xstrdup(file), .line = line};
    index_insert(inv, &inv->gindex, &inv->gindex_cap, inv->ngroups, group_name, k);
    return k;
}
static void group_add_host(rbk_inventory *inv, size_t g, size_t h) {
    rbk_inv_group *gr = &inv->groups[g];
    GROW(gr->hosts, gr->nhosts, gr->caphosts);
    gr->hosts[gr->nhosts++] = h;
}
static void group_add_child(rbk_inventory *inv, size_t g, const char *child) {
    rbk_inv_group *gr = &inv->groups[g];
    for (size_t i = 0; i < gr->nchildren; i++)
        if (strcmp(gr->children[i], child) == 0) return;
    GROW(gr->children, gr->nchildren, gr->capchildren);
    gr->children[gr->nchildren++] = xstrdup(child);
}

const rbk_inv_group *rbk_inv_find_group(const rbk_inventory *inv, const char *name) {
    size_t k = group_find(inv, name);
    return k == NONE ? NULL : &inv->groups[k];
}
const rbk_inv_var *rbk_inv_host_var(const rbk_inv_host *h, const char *key) {
    for (size_t i = 0; i < h->resolved.n; i++)
        if (strcmp(h->resolved.v[i].key, key) == 0) return &h->resolved.v[i];
    return NULL;
}

/* ---- errors ---- */

typedef struct src {
    const char *name;
    rbk_sbuf *err;
    int failed;
} src;

static void fail_at(src *s, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void fail_at(src *s, int line, int col, const char *fmt, ...) {
    if (s->failed) return;
    s->failed = 1;
    rbk_sbuf_printf(s->err, "%s:%d:%d: ", s->name, line, col);
    va_list ap;
    va_start(ap, fmt);
    rbk_sbuf_vprintf(s->err, fmt, ap);
    va_end(ap);
}

static int valid_name(const char *n) {
    if (!*n) return 0;
    for (const char *p = n; *p; p++)
        if (isspace((unsigned char)*p) || *p == '[' || *p == ']' || *p == ':' || *p == ',') return 0;
    return 1;
}

/* ---- INI ---- */

/* A value as Ansible's literal_eval would leave a string: a quoted literal is unquoted. */
static char *ini_value(const char *v, size_t n) {
    if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
        rbk_sbuf b = RBK_SBUF_INIT;
        for (size_t i = 1; i + 1 < n; i++) {
            char c = v[i];
            if (c == '\\' && i + 2 < n) {
                c = v[++i];
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
            }
            rbk_sbuf_addc(&b, c);
        }
        if (!b.data) rbk_sbuf_adds(&b, "");
        return b.data;
    }
    return xstrndup(v, n);
}

typedef struct tok {
    char *text;
    int col;
} tok;

/* Splits a line as Python's shlex.split(line, comments=True) does (POSIX mode): whitespace
 * separates, '...' is literal, "..." takes \" \\ \$ \`, a backslash outside quotes escapes the
 * next character, # at the start of a token ends the line. -1 on an unclosed quote. */
static int ini_tokens(const char *line, size_t len, tok **out, size_t *nout, int *badcol) {
    size_t cap = 0;
    *out = NULL;
    *nout = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
        if (i >= len || line[i] == '#') break;
        int col = (int)i + 1;
        rbk_sbuf b = RBK_SBUF_INIT;
        rbk_sbuf_adds(&b, "");
        while (i < len && line[i] != ' ' && line[i] != '\t') {
            char c = line[i];
            if (c == '\'' || c == '"') {
                size_t open = i++;
                while (i < len && line[i] != c) {
                    if (c == '"' && line[i] == '\\' && i + 1 < len && strchr("\"\\$`", line[i + 1])) i++;
                    rbk_sbuf_addc(&b, line[i++]);
                }
                if (i >= len) {
                    *badcol = (int)open + 1;
                    free(b.data);
                    for (size_t k = 0; k < *nout; k++) free((*out)[k].text);
                    free(*out);
                    *out = NULL;
                    *nout = 0;
                    return -1;
                }
                i++;
            } else if (c == '\\' && i + 1 < len) {
                rbk_sbuf_addc(&b, line[i + 1]);
                i += 2;
            } else {
                rbk_sbuf_addc(&b, c);
                i++;
            }
        }
        GROW(*out, *nout, cap);
        (*out)[(*nout)++] = (tok){b.data, col};
    }
    return 0;
}

/* Expands the first [a:b(:s)] of pat into names (recursively for the rest). */
static int expand_range(src *s, int line, int col, const char *pat, char ***names, size_t *n, size_t *cap) {
    const char *lb = strchr(pat, '['), *rb = lb ? strchr(lb, ']') : NULL;
    if (!lb) {
        GROW(*names, *n, *cap);
        (*names)[(*n)++] = xstrdup(pat);
        return 0;
    }
    if (!rb) {
        fail_at(s, line, col + (int)(lb - pat), "a host range needs a closing ']': %s", pat);
        return -1;
    }
    char inner[128];
    size_t il = (size_t)(rb - lb - 1);
    if (il == 0 || il >= sizeof inner) {
        fail_at(s, line, col + (int)(lb - pat), "a host range is [start:end] or [start:end:step]: %s", pat);
        return -1;
    }
    memcpy(inner, lb + 1, il);
    inner[il] = 0;
    char *a = inner, *b = strchr(a, ':'), *st = NULL;
    if (!b) {
        fail_at(s, line, col + (int)(lb - pat), "a host range is [start:end] or [start:end:step]: %s", pat);
        return -1;
    }
    *b++ = 0;
    if ((st = strchr(b, ':'))) *st++ = 0;
    long step = 1;
    if (st) {
        char *e;
        step = strtol(st, &e, 10);
        if (*e || step < 1) {
            fail_at(s, line, col + (int)(lb - pat), "the step of a host range is a positive number: %s", pat);
            return -1;
        }
    }
    int alpha = strlen(a) == 1 && strlen(b) == 1 && isalpha((unsigned char)*a) && isalpha((unsigned char)*b);
    long from, to;
    int width = 0;
    if (alpha) {
        from = (unsigned char)*a;
        to = (unsigned char)*b;
    } else {
        char *e1, *e2;
        if (!*a || !*b || !isdigit((unsigned char)*a) || !isdigit((unsigned char)*b)) goto bad;
        errno = 0;
        from = strtol(a, &e1, 10);
        to = strtol(b, &e2, 10);
        if (*e1 || *e2 || errno) goto bad;
        if (a[0] == '0' && a[1]) width = (int)strlen(a);
    }
    if (from > to) {
        fail_at(s, line, col + (int)(lb - pat), "a host range must not run backwards: [%s:%s]", a, b);
        return -1;
    }
    if ((to - from) / step + 1 > RBK_INV_MAX_RANGE || *n + (size_t)((to - from) / step + 1) > RBK_INV_MAX_RANGE) {
        fail_at(s, line, col + (int)(lb - pat), "a host range expands to more than %d hosts", RBK_INV_MAX_RANGE);
        return -1;
    }
    for (long v = from; v <= to; v += step) {
        rbk_sbuf nm = RBK_SBUF_INIT;
        rbk_sbuf_add(&nm, pat, (size_t)(lb - pat));
        if (alpha) rbk_sbuf_addc(&nm, (char)v);
        else rbk_sbuf_printf(&nm, "%0*ld", width, v);
        rbk_sbuf_adds(&nm, rb + 1);
        int rc = expand_range(s, line, col, nm.data, names, n, cap);
        free(nm.data);
        if (rc) return -1;
    }
    return 0;
bad:
    fail_at(s, line, col + (int)(lb - pat), "a host range is [start:end] of numbers or of letters: %s", pat);
    return -1;
}

enum { SEC_HOSTS, SEC_VARS, SEC_CHILDREN };

static void ini_host_line(rbk_inventory *inv, src *s, size_t g, const char *line, size_t len, int lno, int base) {
    tok *t;
    size_t nt;
    int badcol = 0;
    if (ini_tokens(line, len, &t, &nt, &badcol)) {
        fail_at(s, lno, base + badcol, "this quote is never closed");
        return;
    }
    if (!nt) goto out;
    char *pat = t[0].text, *port = NULL;
    /* name:port when exactly one ':' stands outside the ranges' brackets (more: IPv6) */
    char *colon = NULL;
    int ncolons = 0, inside = 0;
    for (char *p = pat; *p; p++) {
        if (*p == '[') inside = 1;
        else if (*p == ']') inside = 0;
        else if (*p == ':' && !inside) ncolons++, colon = p;
    }
    if (ncolons == 1) {
        *colon = 0;
        port = colon + 1;
        for (char *p = port; *p; p++)
            if (!isdigit((unsigned char)*p)) port = NULL;
        if (!port || !*port) {
            fail_at(s, lno, base + t[0].col + (int)(colon - pat), "the port after ':' must be a number");
            goto out;
        }
    }
    if (!*pat || strchr(pat, '=')) {
        fail_at(s, lno, base + t[0].col, "expected a host name first, then key=value variables");
        goto out;
    }
    char **names = NULL;
    size_t nn = 0, cn = 0;
    if (expand_range(s, lno, base + t[0].col, pat, &names, &nn, &cn) == 0) {
        for (size_t i = 1; i < nt && !s->failed; i++)
            if (!strchr(t[i].text, '=') || t[i].text[0] == '=')
                fail_at(s, lno, base + t[i].col, "expected key=value after the host name, not '%s'", t[i].text);
        for (size_t k = 0; k < nn && !s->failed; k++) {
            size_t h = host_add(inv, names[k], s->name, lno);
            if (g != NONE) group_add_host(inv, g, h);
            if (port) vars_set(&inv->hosts[h].vars, "ansible_port", port, 0);
            for (size_t i = 1; i < nt; i++) {
                char *eq = strchr(t[i].text, '=');
                *eq = 0;
                char *v = ini_value(eq + 1, strlen(eq + 1));
                vars_set(&inv->hosts[h].vars, t[i].text, v, 0);
                free(v);
                *eq = '=';
            }
        }
    }
    for (size_t k = 0; k < nn; k++) free(names[k]);
    free(names);
out:
    for (size_t i = 0; i < nt; i++) free(t[i].text);
    free(t);
}

static int load_ini(rbk_inventory *inv, src *s, const char *text, size_t len) {
    size_t g = NONE;
    int sec = SEC_HOSTS;
    int lno = 0;
    for (size_t at = 0; at < len && !s->failed;) {
        size_t end = at;
        while (end < len && text[end] != '\n') end++;
        lno++;
        size_t a = at, b = end;
        at = end + 1;
        if (memchr(text + a, 0, b - a)) {
            fail_at(s, lno, 1, "a NUL byte in an inventory");
            break;
        }
        while (a < b && isspace((unsigned char)text[a])) a++;
        while (b > a && isspace((unsigned char)text[b - 1])) b--;
        if (a == b || text[a] == '#' || text[a] == ';') continue;
        size_t linestart = end;
        while (linestart > 0 && text[linestart - 1] != '\n') linestart--;
        int col = (int)(a - linestart) + 1;
        if (text[a] == '[') {
            if (text[b - 1] != ']') {
                fail_at(s, lno, col, "a section header is [group], [group:vars] or [group:children]");
                break;
            }
            char *name = xstrndup(text + a + 1, b - a - 2);
            char *kind = strchr(name, ':');
            sec = SEC_HOSTS;
            if (kind) {
                *kind++ = 0;
                if (strcmp(kind, "vars") == 0) sec = SEC_VARS;
                else if (strcmp(kind, "children") == 0) sec = SEC_CHILDREN;
                else fail_at(s, lno, col + 1 + (int)(kind - name), "unknown section kind ':%s' (expected :vars or :children)", kind);
            }
            if (!s->failed && !valid_name(name))
                fail_at(s, lno, col + 1, "'%s' is not a group name (no spaces, brackets, ':' or ',')", name);
            if (!s->failed) g = group_add(inv, name, s->name, lno);
            free(name);
            continue;
        }
        if (sec == SEC_HOSTS) {
            size_t gg = g;
            if (gg == NONE) gg = group_add(inv, "ungrouped", s->name, lno);
            ini_host_line(inv, s, gg, text + a, b - a, lno, col - 1);
        } else if (sec == SEC_VARS) {
            const char *eq = memchr(text + a, '=', b - a);
            if (!eq || eq == text + a) {
                fail_at(s, lno, col, "a [%s:vars] line is key=value", inv->groups[g].name);
                break;
            }
            size_t kb = (size_t)(eq - text), ke = kb;
            while (ke > a && isspace((unsigned char)text[ke - 1])) ke--;
            size_t vb = kb + 1;
            while (vb < b && isspace((unsigned char)text[vb])) vb++;
            char *k = xstrndup(text + a, ke - a), *v = ini_value(text + vb, b - vb);
            vars_set(&inv->groups[g].vars, k, v, 0);
            free(k);
            free(v);
        } else {
            char *child = xstrndup(text + a, b - a);
            if (!valid_name(child)) fail_at(s, lno, col, "'%s' is not a group name", child);
            else {
                group_add(inv, child, s->name, lno);
                group_add_child(inv, g, child);
            }
            free(child);
        }
    }
    return s->failed ? -1 : 0;
}

/* ---- YAML ---- */

static void yaml_json(yaml_document_t *d, yaml_node_t *n, rbk_sbuf *out) {
    switch (n->type) {
    case YAML_SCALAR_NODE: {
        const char *v = (const char *)n->data.scalar.value;
        size_t l = n->data.scalar.length;
        int plain = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        char *e;
        if (plain && (strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "null") == 0 ||
                      (l && (strtod(v, &e), *e == 0) && strspn(v, "0123456789+-.eE") == l)))
            rbk_sbuf_add(out, v, l);
        else if (plain && (l == 0 || strcmp(v, "~") == 0))
            rbk_sbuf_adds(out, "null");
        else
            rbk_sbuf_add_json_str(out, v, l);
        break;
    }
    case YAML_SEQUENCE_NODE: {
        rbk_sbuf_addc(out, '[');
        for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
            if (i != n->data.sequence.items.start) rbk_sbuf_addc(out, ',');
            yaml_json(d, yaml_document_get_node(d, *i), out);
        }
        rbk_sbuf_addc(out, ']');
        break;
    }
    case YAML_MAPPING_NODE: {
        rbk_sbuf_addc(out, '{');
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            if (p != n->data.mapping.pairs.start) rbk_sbuf_addc(out, ',');
            yaml_node_t *k = yaml_document_get_node(d, p->key);
            if (k->type == YAML_SCALAR_NODE) rbk_sbuf_add_json_str(out, (const char *)k->data.scalar.value, k->data.scalar.length);
            else rbk_sbuf_adds(out, "\"\"");
            rbk_sbuf_addc(out, ':');
            yaml_json(d, yaml_document_get_node(d, p->value), out);
        }
        rbk_sbuf_addc(out, '}');
        break;
    }
    default:
        rbk_sbuf_adds(out, "null");
    }
}

static int yline(yaml_node_t *n) { return (int)n->start_mark.line + 1; }
static int ycol(yaml_node_t *n) { return (int)n->start_mark.column + 1; }
static int is_null(yaml_node_t *n) {
    return !n || (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                  (n->data.scalar.length == 0 || strcmp((char *)n->data.scalar.value, "~") == 0 ||
                   strcmp((char *)n->data.scalar.value, "null") == 0));
}
static const char *scalar(yaml_node_t *n) { return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL; }

static void yaml_vars(src *s, yaml_document_t *d, yaml_node_t *m, rbk_inv_vars *into, const char *what) {
    if (is_null(m)) return;
    if (m->type != YAML_MAPPING_NODE) {
        fail_at(s, yline(m), ycol(m), "the vars of %s must be a mapping of names to values", what);
        return;
    }
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top && !s->failed; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key), *v = yaml_document_get_node(d, p->value);
        if (!scalar(k)) {
            fail_at(s, yline(k), ycol(k), "a variable's name must be a plain string");
            return;
        }
        if (v->type == YAML_SCALAR_NODE && !is_null(v)) {
            vars_set(into, scalar(k), scalar(v), 0);
        } else {
            rbk_sbuf j = RBK_SBUF_INIT;
            yaml_json(d, v, &j);
            vars_set(into, scalar(k), j.data, 1);
            free(j.data);
        }
    }
}

static void yaml_group(rbk_inventory *inv, src *s, yaml_document_t *d, const char *name, yaml_node_t *key, yaml_node_t *body, int depth) {
    if (depth > RBK_INV_MAX_DEPTH) {
        fail_at(s, yline(key), ycol(key), "groups nest more than %d levels", RBK_INV_MAX_DEPTH);
        return;
    }
    if (!valid_name(name)) {
        fail_at(s, yline(key), ycol(key), "'%s' is not a group name (no spaces, brackets, ':' or ',')", name);
        return;
    }
    size_t g = group_add(inv, name, s->name, yline(key));
    if (is_null(body)) return;
    if (body->type != YAML_MAPPING_NODE) {
        fail_at(s, yline(body), ycol(body), "group '%s' must be a mapping with hosts, vars or children", name);
        return;
    }
    for (yaml_node_pair_t *p = body->data.mapping.pairs.start; p < body->data.mapping.pairs.top && !s->failed; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key), *v = yaml_document_get_node(d, p->value);
        const char *kn = scalar(k);
        if (kn && strcmp(kn, "vars") == 0) {
            char what[300];
            snprintf(what, sizeof what, "group '%s'", name);
            yaml_vars(s, d, v, &inv->groups[g].vars, what);
        } else if (kn && (strcmp(kn, "hosts") == 0 || strcmp(kn, "children") == 0)) {
            int hosts = kn[0] == 'h';
            if (is_null(v)) continue;
            if (v->type != YAML_MAPPING_NODE) {
                fail_at(s, yline(v), ycol(v), "the %s of group '%s' must be a mapping of names", kn, name);
                return;
            }
            for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top && !s->failed; q++) {
                yaml_node_t *hk = yaml_document_get_node(d, q->key), *hv = yaml_document_get_node(d, q->value);
                const char *hn = scalar(hk);
                if (!hn || !*hn) {
                    fail_at(s, yline(hk), ycol(hk), "a %s name must be a plain string", hosts ? "host" : "group");
                    return;
                }
                if (hosts) {
                    char **names = NULL;
                    size_t nn = 0, cn = 0;
                    if (expand_range(s, yline(hk), ycol(hk), hn, &names, &nn, &cn) == 0) {
                        for (size_t i = 0; i < nn && !s->failed; i++) {
                            size_t h = host_add(inv, names[i], s->name, yline(hk));
                            group_add_host(inv, g, h);
                            char what[300];
                            snprintf(what, sizeof what, "host '%s'", names[i]);
                            yaml_vars(s, d, hv, &inv->hosts[h].vars, what);
                        }
                    }
                    for (size_t i = 0; i < nn; i++) free(names[i]);
                    free(names);
                } else {
                    group_add_child(inv, g, hn);
                    yaml_group(inv, s, d, hn, hk, hv, depth + 1);
                }
            }
        } else {
            fail_at(s, yline(k), ycol(k), "unexpected key '%s' in group '%s' (expected hosts, vars or children)",
                    kn ? kn : "?", name);
        }
    }
}

static int load_yaml(rbk_inventory *inv, src *s, const char *text, size_t len) {
    yaml_parser_t p;
    yaml_document_t d;
    if (!yaml_parser_initialize(&p)) abort();
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &d)) {
        fail_at(s, (int)p.problem_mark.line + 1, (int)p.problem_mark.column + 1, "%s%s%s",
                p.problem ? p.problem : "not valid YAML", p.context ? " " : "", p.context ? p.context : "");
        yaml_parser_delete(&p);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&d);
    if (root && !is_null(root)) {
        if (root->type != YAML_MAPPING_NODE) {
            fail_at(s, yline(root), ycol(root), "an inventory is a mapping of group names (all:, web:, ...)");
        } else {
            for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top && !s->failed; q++) {
                yaml_node_t *k = yaml_document_get_node(&d, q->key);
                if (!scalar(k)) {
                    fail_at(s, yline(k), ycol(k), "a group name must be a plain string");
                    break;
                }
                yaml_group(inv, s, &d, scalar(k), k, yaml_document_get_node(&d, q->value), 0);
            }
        }
    }
    yaml_document_delete(&d);
    yaml_parser_delete(&p);
    return s->failed ? -1 : 0;
}

/* ---- loading ---- */

static int is_yaml_name(const char *name) {
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".yml") == 0 || strcmp(dot, ".yaml") == 0 || strcmp(dot, ".json") == 0);
}

int rbk_inv_load_text(rbk_inventory *inv, const char *name, const char *text, size_t len, rbk_sbuf *err) {
    /* loaded into a scratch inventory and merged only when the whole file is good */
    rbk_inventory tmp = RBK_INVENTORY_INIT;
    src s = {name, err, 0};
    int rc = is_yaml_name(name) ? load_yaml(&tmp, &s, text, len) : load_ini(&tmp, &s, text, len);
    if (rc == 0) {
        for (size_t h = 0; h < tmp.nhosts; h++) {
            size_t k = host_add(inv, tmp.hosts[h].name, tmp.hosts[h].file, tmp.hosts[h].line);
            vars_merge(&inv->hosts[k].vars, &tmp.hosts[h].vars);
        }
        for (size_t g = 0; g < tmp.ngroups; g++) {
            rbk_inv_group *tg = &tmp.groups[g];
            size_t k = group_add(inv, tg->name, tg->file, tg->line);
            vars_merge(&inv->groups[k].vars, &tg->vars);
            for (size_t i = 0; i < tg->nhosts; i++) group_add_host(inv, k, host_find(inv, tmp.hosts[tg->hosts[i]].name));
            for (size_t i = 0; i < tg->nchildren; i++) group_add_child(inv, k, tg->children[i]);
        }
    }
    rbk_inv_free(&tmp);
    return rc;
}

int rbk_inv_load(rbk_inventory *inv, const char *path, rbk_sbuf *err) {
    rbk_sbuf text = RBK_SBUF_INIT, e = RBK_SBUF_INIT;
    if (rbk_read_file(path, RBK_INV_MAX_FILE, 0, &text, &e) != RBK_READ_OK) {
        rbk_sbuf_printf(err, "%s: inventory: %s", path, e.data ? e.data : "cannot read");
        free(e.data);
        free(text.data);
        return -1;
    }
    free(e.data);
    int rc = rbk_inv_load_text(inv, path, text.data ? text.data : "", text.len, err);
    free(text.data);
    return rc;
}

/* ---- resolving ---- */

typedef struct resolver {
    rbk_inventory *inv;
    rbk_sbuf *err;
    unsigned char *state;  /* per group: 0 new, 1 on the path, 2 done */
    size_t *stamp;         /* per host: the last group (index + 1) that took it */
} resolver;

/* Fills g's all_hosts (its hosts, then its children's) after theirs; finds cycles. */
static int collect(resolver *r, size_t g, int depth) {
    rbk_inventory *inv = r->inv;
    if (r->state[g] == 2) return 0;
    if (r->state[g] == 1) {
        rbk_sbuf_printf(r->err, "%s:%d: inventory: group '%s' is its own descendant (a cycle in children)",
                        inv->groups[g].file, inv->groups[g].line, inv->groups[g].name);
        return -1;
    }
    if (depth > RBK_INV_MAX_DEPTH) {
        rbk_sbuf_printf(r->err, "%s:%d: inventory: groups nest more than %d levels",
                        inv->groups[g].file, inv->groups[g].line, RBK_INV_MAX_DEPTH);
        return -1;
    }
    r->state[g] = 1;
    for (size_t i = 0; i < inv->groups[g].nchildren; i++)
        if (collect(r, group_find(inv, inv->groups[g].children[i]), depth + 1)) return -1;
    rbk_inv_group *gr = &inv->groups[g];
    size_t cap = gr->nhosts + 1, n = 0;
    for (size_t i = 0; i < gr->nchildren; i++) cap += inv->groups[group_find(inv, gr->children[i])].nall_hosts;
    size_t *all = xrealloc(NULL, cap * sizeof *all);
    for (size_t i = 0; i < gr->nhosts; i++)
        if (r->stamp[gr->hosts[i]] != g + 1) r->stamp[gr->hosts[i]] = g + 1, all[n++] = gr->hosts[i];
    for (size_t i = 0; i < gr->nchildren; i++) {
        const rbk_inv_group *c = &inv->groups[group_find(inv, gr->children[i])];
        for (size_t j = 0; j < c->nall_hosts; j++)
            if (r->stamp[c->all_hosts[j]] != g + 1) r->stamp[c->all_hosts[j]] = g + 1, all[n++] = c->all_hosts[j];
    }
    free(gr->all_hosts);
    gr->all_hosts = all;
    gr->nall_hosts = n;
    r->state[g] = 2;
    return 0;
}

typedef struct gref {
    int depth;
    const char *name;
    size_t g;
} gref;
static int by_depth_name(const void *a, const void *b) {
    const gref *x = a, *y = b;
    if (x->depth != y->depth) return x->depth < y->depth ? -1 : 1;
    return strcmp(x->name, y->name);
}

int rbk_inv_resolve(rbk_inventory *inv, rbk_sbuf *err) {
    size_t all = group_add(inv, "all", "(implicit)", 0);
    size_t ung = group_add(inv, "ungrouped", "(implicit)", 0);
    /* every group nobody names as a child is a child of all */
    unsigned char *is_child = xrealloc(NULL, inv->ngroups);
    memset(is_child, 0, inv->ngroups);
    for (size_t g = 0; g < inv->ngroups; g++)
        for (size_t i = 0; i < inv->groups[g].nchildren; i++) is_child[group_find(inv, inv->groups[g].children[i])] = 1;
    for (size_t g = 0; g < inv->ngroups; g++)
        if (g != all && !is_child[g]) group_add_child(inv, all, inv->groups[g].name);
    free(is_child);
    /* hosts in no group at all are ungrouped */
    unsigned char *grouped = xrealloc(NULL, inv->nhosts ? inv->nhosts : 1);
    memset(grouped, 0, inv->nhosts);
    for (size_t g = 0; g < inv->ngroups; g++)
        if (g != all && g != ung)
            for (size_t i = 0; i < inv->groups[g].nhosts; i++) grouped[inv->groups[g].hosts[i]] = 1;
    for (size_t g = 0; g < inv->ngroups; g++) {
        free(inv->groups[g].all_hosts);
        inv->groups[g].all_hosts = NULL;
        inv->groups[g].nall_hosts = 0;
    }
    /* the membership of ungrouped is recomputed: a host that a later file grouped leaves it */
    inv->groups[ung].nhosts = 0;
    for (size_t h = 0; h < inv->nhosts; h++)
        if (!grouped[h]) group_add_host(inv, ung, h);
    /* all holds every host in order of appearance, whatever its groups */
    inv->groups[all].nhosts = 0;
    for (size_t h = 0; h < inv->nhosts; h++) group_add_host(inv, all, h);
    free(grouped);

    /* a host named twice in a group (two files, two lines) is one member, at its first place */
    {
        size_t *seen = xrealloc(NULL, (inv->nhosts + 1) * sizeof *seen);
        memset(seen, 0, (inv->nhosts + 1) * sizeof *seen);
        for (size_t g = 0; g < inv->ngroups; g++) {
            rbk_inv_group *gr = &inv->groups[g];
            size_t n = 0;
            for (size_t i = 0; i < gr->nhosts; i++)
                if (seen[gr->hosts[i]] != g + 1) seen[gr->hosts[i]] = g + 1, gr->hosts[n++] = gr->hosts[i];
            gr->nhosts = n;
        }
        free(seen);
    }
    resolver r = {inv, err, xrealloc(NULL, inv->ngroups), xrealloc(NULL, (inv->nhosts + 1) * sizeof(size_t))};
    memset(r.state, 0, inv->ngroups);
    memset(r.stamp, 0, (inv->nhosts + 1) * sizeof(size_t));
    int rc = 0;
    for (size_t g = 0; g < inv->ngroups && rc == 0; g++) rc = collect(&r, g, 0);
    if (rc == 0) {
        /* depth: the longest path from all (a DAG now); relaxed in passes, at most ngroups */
        for (size_t g = 0; g < inv->ngroups; g++) inv->groups[g].depth = g == all ? 0 : 1;
        for (int changed = 1, pass = 0; changed && pass <= RBK_INV_MAX_DEPTH + 1; pass++) {
            changed = 0;
            for (size_t g = 0; g < inv->ngroups; g++)
                for (size_t i = 0; i < inv->groups[g].nchildren; i++) {
                    rbk_inv_group *c = &inv->groups[group_find(inv, inv->groups[g].children[i])];
                    if (c->depth < inv->groups[g].depth + 1) c->depth = inv->groups[g].depth + 1, changed = 1;
                }
        }
        /* each host's groups, shallow to deep (ties by name), then its own vars */
        gref **hg = xrealloc(NULL, (inv->nhosts + 1) * sizeof *hg);
        size_t *nhg = xrealloc(NULL, (inv->nhosts + 1) * sizeof *nhg), *chg = xrealloc(NULL, (inv->nhosts + 1) * sizeof *chg);
        memset(hg, 0, (inv->nhosts + 1) * sizeof *hg);
        memset(nhg, 0, (inv->nhosts + 1) * sizeof *nhg);
        memset(chg, 0, (inv->nhosts + 1) * sizeof *chg);
        for (size_t g = 0; g < inv->ngroups; g++)
            for (size_t i = 0; i < inv->groups[g].nall_hosts; i++) {
                size_t h = inv->groups[g].all_hosts[i];
                GROW(hg[h], nhg[h], chg[h]);
                hg[h][nhg[h]++] = (gref){inv->groups[g].depth, inv->groups[g].name, g};
            }
        for (size_t h = 0; h < inv->nhosts; h++) {
            qsort(hg[h], nhg[h], sizeof **hg, by_depth_name);
            vars_free(&inv->hosts[h].resolved);
            for (size_t i = 0; i < nhg[h]; i++) vars_merge(&inv->hosts[h].resolved, &inv->groups[hg[h][i].g].vars);
            vars_merge(&inv->hosts[h].resolved, &inv->hosts[h].vars);
            free(hg[h]);
        }
        free(hg);
        free(nhg);
        free(chg);
    }
    free(r.state);
    free(r.stamp);
    return rc;
}

void rbk_inv_free(rbk_inventory *inv) {
    for (size_t h = 0; h < inv->nhosts; h++) {
        free(inv->hosts[h].name);
        free(inv->hosts[h].file);
        vars_free(&inv->hosts[h].vars);
        vars_free(&inv->hosts[h].resolved);
    }
    for (size_t g = 0; g < inv->ngroups; g++) {
        rbk_inv_group *gr = &inv->groups[g];
        free(gr->name);
        free(gr->file);
        vars_free(&gr->vars);
        for (size_t i = 0; i < gr->nchildren; i++) free(gr->children[i]);
        free(gr->children);
        free(gr->hosts);
        free(gr->all_hosts);
    }
    free(inv->hosts);
    free(inv->groups);
    free(inv->hindex);
    free(inv->gindex);
    *inv = (rbk_inventory)RBK_INVENTORY_INIT;
}

/* ------------------------------------------------------------------ the run's fleet */
static char *var_or_null(const rbk_inv_host *h, const char *key) {
    const rbk_inv_var *v = rbk_inv_host_var(h, key);
    return v && v->value[0] ? xstrdup(v->value) : NULL;
}

int rbk_inv_fleet(const rbk_inventory *inv, rbk_fleet *f, rbk_sbuf *err) {
    f->hosts = rbk_xcalloc(inv->nhosts ? inv->nhosts : 1, sizeof *f->hosts);
    f->nhosts = inv->nhosts;
    for (size_t i = 0; i < inv->nhosts; i++) {
        const rbk_inv_host *h = &inv->hosts[i];
        rbk_fleet_host *o = &f->hosts[i];
        o->name = xstrdup(h->name);
        o->address = var_or_null(h, "ansible_host");
        o->port = var_or_null(h, "ansible_port");
        o->user = var_or_null(h, "ansible_user");
        o->identity = var_or_null(h, "ansible_ssh_private_key_file");
        const rbk_inv_var *sh = rbk_inv_host_var(h, "ansible_shell_type"); /* Ansible's default: sh */
        o->shell_other = sh && sh->value[0] && strcmp(sh->value, "sh") != 0;
        const rbk_inv_var *a = rbk_inv_host_var(h, "ansible_ssh_common_args");
        o->extra = rbk_xcalloc(1, sizeof *o->extra);
        if (a) {
            tok *t;
            size_t nt;
            int badcol = 0;
            if (ini_tokens(a->value, strlen(a->value), &t, &nt, &badcol)) {
                rbk_sbuf_printf(err, "%s:%d: host %s: ansible_ssh_common_args has a quote that is not closed (column %d of its value)",
                                h->file ? h->file : "?", h->line, h->name, badcol);
                f->nhosts = i + 1;
                return -1;
            }
            o->extra = rbk_xrealloc(o->extra, (nt + 1) * sizeof *o->extra);
            for (size_t k = 0; k < nt; k++) o->extra[k] = t[k].text;
            o->extra[nt] = NULL;
            free(t);
        }
        o->nvars = h->resolved.n;
        o->vars = rbk_xcalloc(o->nvars ? o->nvars : 1, sizeof *o->vars);
        for (size_t k = 0; k < h->resolved.n; k++) {
            o->vars[k].key = xstrdup(h->resolved.v[k].key);
            o->vars[k].value = xstrdup(h->resolved.v[k].value);
            o->vars[k].json = h->resolved.v[k].json;
        }
    }
    f->groups = rbk_xcalloc(inv->ngroups ? inv->ngroups : 1, sizeof *f->groups);
    f->ngroups = inv->ngroups;
    for (size_t i = 0; i < inv->ngroups; i++) {
        const rbk_inv_group *g = &inv->groups[i];
        f->groups[i].name = xstrdup(g->name);
        f->groups[i].n = g->nall_hosts;
        f->groups[i].hosts = rbk_xcalloc(g->nall_hosts ? g->nall_hosts : 1, sizeof(size_t));
        if (g->nall_hosts) memcpy(f->groups[i].hosts, g->all_hosts, g->nall_hosts * sizeof(size_t));
    }
    rbk_fleet_ready(f);
    return 0;
}
