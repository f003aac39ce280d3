/* support/mask.c — secret registry and masking (see mask.h for the rules).
 * Owns: the pattern list (with a hash set for de-duplication), the derived-form encoders
 * (base64, hex, percent, JSON) and byte-level Aho-Corasick automata.
 *
 * Two automata split the patterns: "flow" holds every pattern without a CR or LF byte and is
 * fed the text with its CR and LF bytes left out (a ring of the fed bytes' positions maps a
 * match back onto the text, line breaks inside it included); "exact" holds the patterns that
 * contain a line break and is fed every byte. Their spans are merged. The patterns are kept in
 * blocks, each with its pair of automata, so that registering one more pattern does not
 * rebuild everything (ac_set). rbk_mask_apply_piece also needs the patterns reversed (the
 * longest prefix of a piece that ends a pattern): two more automata, built on first use.
 *
 * Automaton layout: a trie whose root has a dense 256-entry table; other nodes keep their
 * first child inline (most nodes of long patterns have exactly one child) and further
 * children in one open-addressing hash keyed by (node, byte). Each node stores its depth and
 * the length of the longest pattern that ends there (directly or through its failure chain),
 * which is all the union-of-spans masking needs. Measured: 1 MiB with 100 secrets (1,600
 * patterns) masks in about 4 ms (tests/unit/test_mask.c prints the time; docs/internals.md). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "mask.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct mask_pat {
    char *p;
    size_t n;
    int primary;        /* registered as a secret (its derived forms are registered too) */
} mask_pat;

typedef struct ac_node {
    int32_t fail;
    int32_t child1;     /* first child, -1 when none */
    int32_t sibling;    /* next child of the parent (build-time list) */
    int32_t first;      /* head of this node's children list (build-time) */
    uint32_t outlen;    /* longest pattern ending here (incl. failure chain), 0 = none */
    uint32_t depth;     /* length of the path from the root */
    uint8_t byte1;      /* byte of child1 */
    uint8_t byte;       /* byte of the edge into this node */
    uint8_t many;       /* 1 when the node has more than one child (look in the hash) */
} ac_node;

typedef struct ac_edge {
    uint64_t key;       /* ((uint64_t)node << 8 | byte) + 1; 0 = empty */
    int32_t child;
} ac_edge;

typedef struct ac {
    ac_node *nodes;
    size_t nnodes, capnodes;
    int32_t root[256];  /* child of the root per byte, 0 = none (stay at the root) */
    ac_edge *edges;
    size_t edgecap;     /* power of two */
    size_t nedges;
    size_t maxlen;      /* longest pattern in this automaton */
} ac;

/* A run of patterns [from, to) in registration order, with its two automata. */
typedef struct ac_block {
    size_t from, to;
    size_t bytes;       /* their total length */
    ac flow;            /* patterns without CR/LF, fed the text without its CR/LF bytes */
    ac exact;           /* patterns with a CR or LF, fed every byte */
} ac_block;

/* The automata, built lazily (apply takes a const registry). Patterns registered one at a time
 * between two applies (a secret-marked text registered at each turn of a loop) must not cost a
 * rebuild of everything each time — that was quadratic. So the patterns live in blocks whose
 * sizes at least halve from the first to the last (the logarithmic method): new patterns make
 * a new last block, and the last two merge (one rebuild) while the last is more than half the
 * one before. Each pattern is rebuilt O(log n) times in all, and a text is scanned once per
 * block, O(log n) blocks. */
typedef struct ac_set {
    ac_block *blocks;
    size_t nblocks, capblocks;
    size_t built;       /* patterns [0, built) are in blocks */
    int rdirty;         /* rflow and rexact are out of date */
    ac rflow, rexact;   /* every pattern, reversed (rbk_mask_apply_piece, cut_before) */
    size_t built_bytes; /* pattern bytes the forward automata were built from, in all */
} ac_set;

struct rbk_mask {
    mask_pat *pats;
    size_t npats, cappats;
    size_t *set;        /* open-addressing set of pattern index + 1 */
    size_t setcap;      /* power of two */
    ac_set *ac;
};

/* ---------- pattern set ---------- */

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h;
}

/* index + 1 of the pattern equal to s, or 0 */
static size_t set_find(const rbk_mask *m, const char *s, size_t n) {
    if (!m->setcap) return 0;
    size_t mask = m->setcap - 1;
    for (size_t i = (size_t)hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
        size_t v = m->set[i];
        if (!v) return 0;
        const mask_pat *p = &m->pats[v - 1];
        if (p->n == n && memcmp(p->p, s, n) == 0) return v;
    }
}

static void set_insert(size_t *set, size_t cap, const mask_pat *pats, size_t idx) {
    size_t mask = cap - 1;
    size_t i = (size_t)hash_bytes(pats[idx].p, pats[idx].n) & mask;
    while (set[i]) i = (i + 1) & mask;
    set[i] = idx + 1;
}

static void add_pattern(rbk_mask *m, const char *s, size_t n) {
    if (n == 0 || set_find(m, s, n)) return;
    if (m->npats == m->cappats) {
        m->cappats = m->cappats ? m->cappats * 2 : 16;
        m->pats = rbk_xrealloc(m->pats, m->cappats * sizeof *m->pats);
    }
    m->pats[m->npats].p = rbk_xstrndup(s, n);
    m->pats[m->npats].n = n;
    m->pats[m->npats].primary = 0;
    m->npats++;
    if (m->npats * 2 > m->setcap) {
        size_t cap = m->setcap ? m->setcap * 2 : 64;
        while (m->npats * 2 > cap) cap *= 2;
        free(m->set);
        m->set = rbk_xcalloc(cap, sizeof *m->set);
        m->setcap = cap;
        for (size_t i = 0; i < m->npats; i++) set_insert(m->set, cap, m->pats, i);
    } else {
        set_insert(m->set, m->setcap, m->pats, m->npats - 1);
    }
    m->ac->rdirty = 1;
}

static void add_derived(rbk_mask *m, const rbk_sbuf *b) {
    if (b->len >= RBK_MASK_MIN_DERIVED) add_pattern(m, b->data, b->len);
}

/* ---------- encoders for derived forms ---------- */

static void add_base64_forms(rbk_mask *m, const char *s, size_t n) {
    rbk_sbuf b = RBK_SBUF_INIT;
    unsigned char *tmp = rbk_xmalloc(n + 2);
    for (int a = 0; a < 2; a++) {
        for (int pad = 0; pad < 2; pad++) {
            rbk_sbuf_reset(&b);
            rbk_sbuf_add_base64(&b, s, n, a, pad);
            add_derived(m, &b);
        }
        /* alignment cores: S at offset k of a 3-byte group */
        for (size_t k = 0; k < 3; k++) {
            memset(tmp, 0, k);
            memcpy(tmp + k, s, n);
            rbk_sbuf_reset(&b);
            rbk_sbuf_add_base64(&b, tmp, k + n, a, 0);
            size_t from = (8 * k + 5) / 6, to = (8 * (k + n)) / 6;
            if (to > from && to - from >= RBK_MASK_MIN_DERIVED)
                add_pattern(m, b.data + from, to - from);
        }
    }
    free(tmp);
    rbk_sbuf_free(&b);
}

static void add_hex_forms(rbk_mask *m, const char *s, size_t n) {
    static const char *hexes[2] = {"0123456789abcdef", "0123456789ABCDEF"};
    rbk_sbuf b = RBK_SBUF_INIT;
    for (int u = 0; u < 2; u++) {
        rbk_sbuf_reset(&b);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            char e[2] = {hexes[u][c >> 4], hexes[u][c & 15]};
            rbk_sbuf_add(&b, e, 2);
        }
        add_derived(m, &b);
    }
    rbk_sbuf_free(&b);
}

/* Percent-encodings: which bytes an encoder leaves as they are, besides the RFC 3986
 * unreserved ones (A-Z a-z 0-9 - . _ ~), the case of its hex digits, and space as '+'. */
static void add_url_forms(rbk_mask *m, const char *s, size_t n) {
    static const struct { const char *keep; int lower, plus; } forms[] = {
        {"", 0, 0},          /* RFC 3986 (curl --data-urlencode, jq @uri, Go PathEscape) */
        {"", 1, 0},          /* the same with lower-case hex */
        {"", 0, 1},          /* form encoding (Python quote_plus, Go QueryEscape): space '+' */
        {"", 1, 1},          /* form encoding with lower-case hex */
        {"/", 0, 0},         /* Python urllib.parse.quote (safe='/') */
        {"!'()*", 0, 0},     /* JavaScript encodeURIComponent */
    };
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        const char *hex = forms[f].lower ? "0123456789abcdef" : "0123456789ABCDEF";
        rbk_sbuf_reset(&b);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || (c && strchr(forms[f].keep, c))) {
                rbk_sbuf_addc(&b, (char)c);
            } else if (forms[f].plus && c == ' ') {
                rbk_sbuf_addc(&b, '+');
            } else {
                char e[3] = {'%', hex[c >> 4], hex[c & 15]};
                rbk_sbuf_add(&b, e, 3);
            }
        }
        add_derived(m, &b);
    }
    rbk_sbuf_free(&b);
}

enum {
    J_SHORT_BF = 1,  /* \b and \f as short escapes (jansson, Python) */
    J_ESC_DEL = 2,   /* 0x7f as \u007f (this tool) */
    J_UPPER = 4,     /* \u00XX with upper-case hex (jansson) */
    J_SLASH = 8,     /* '/' as "\/" */
    J_HTML = 16,     /* < > & as \u003c \u003e \u0026 (Go) */
    J_ASCII = 32,    /* non-ASCII UTF-8 as \uXXXX (Python ensure_ascii) */
};

static void add_u(rbk_sbuf *b, unsigned v, int upper) {
    const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char e[6] = {'\\', 'u', hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
    rbk_sbuf_add(b, e, 6);
}

static void json_escape(rbk_sbuf *b, const char *str, size_t n, int fl) {
    const unsigned char *s = (const unsigned char *)str;
    int upper = (fl & J_UPPER) != 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        switch (c) {
        case '"': rbk_sbuf_adds(b, "\\\""); continue;
        case '\\': rbk_sbuf_adds(b, "\\\\"); continue;
        case '\n': rbk_sbuf_adds(b, "\\n"); continue;
        case '\r': rbk_sbuf_adds(b, "\\r"); continue;
        case '\t': rbk_sbuf_adds(b, "\\t"); continue;
        case '\b': if (fl & J_SHORT_BF) { rbk_sbuf_adds(b, "\\b"); continue; } break;
        case '\f': if (fl & J_SHORT_BF) { rbk_sbuf_adds(b, "\\f"); continue; } break;
        case '/': if (fl & J_SLASH) { rbk_sbuf_adds(b, "\\/"); continue; } break;
        case '<': case '>': case '&': if (fl & J_HTML) { add_u(b, c, upper); continue; } break;
        default: break;
        }
        if (c < 0x20 || (c == 0x7f && (fl & J_ESC_DEL))) {
            add_u(b, c, upper);
        } else if (c >= 0x80 && (fl & J_ASCII)) {
            uint32_t cp;
            size_t len = rbk_utf8_decode(s + i, n - i, &cp);
            if (!len) { rbk_sbuf_addc(b, (char)c); continue; }
            if (cp >= 0x10000) {
                cp -= 0x10000;
                add_u(b, 0xd800 | (cp >> 10), upper);
                add_u(b, 0xdc00 | (cp & 0x3ff), upper);
            } else {
                add_u(b, cp, upper);
            }
            i += len - 1;
        } else {
            rbk_sbuf_addc(b, (char)c);
        }
    }
}

static void add_json_forms(rbk_mask *m, const char *s, size_t n) {
    static const int variants[] = {
        J_ESC_DEL,                          /* rbk_sbuf_add_json_str */
        J_SHORT_BF,                         /* Python (ensure_ascii=False), jq */
        J_SHORT_BF | J_UPPER,               /* jansson */
        J_SHORT_BF | J_ASCII,               /* Python default */
        J_SHORT_BF | J_SLASH,               /* escaped slashes (PHP, some loggers) */
        J_SHORT_BF | J_SLASH | J_UPPER,     /* jansson with JSON_ESCAPE_SLASH */
        J_SHORT_BF | J_HTML,                /* Go encoding/json */
    };
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        rbk_sbuf_reset(&b);
        json_escape(&b, s, n, variants[v]);
        add_derived(m, &b);
    }
    rbk_sbuf_free(&b);
}

/* The quoting this tool writes, and its common neighbours, where it changes the secret's bytes:
 * inside POSIX single quotes ' is written '\'' (rbk_sh_quote, most tools) or '"'"' (Python's
 * shlex.quote); an SQL literal doubles ', an SQL identifier (this tool's {x:ident}) doubles ";
 * inside shell double quotes a backslash goes before $ ` " \, in an unquoted here-document
 * before $ ` \ (rbk_sh_quote_in). */
static void add_escape_forms(rbk_mask *m, const char *s, size_t n) {
    static const char *const specials[] = {"$`\"\\", "$`\\"};
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t f = 0; f < 2; f++) {
        int any = 0;
        rbk_sbuf_reset(&b);
        for (size_t i = 0; i < n; i++) {
            if (s[i] && strchr(specials[f], s[i])) { rbk_sbuf_addc(&b, '\\'); any = 1; }
            rbk_sbuf_addc(&b, s[i]);
        }
        if (any) add_derived(m, &b);
    }
    rbk_sbuf_free(&b);
}

static void add_quote_forms(rbk_mask *m, const char *s, size_t n) {
    add_escape_forms(m, s, n);
    static const struct { char q; const char *as; } forms[] = {
        {'\'', "'\\''"}, {'\'', "'\"'\"'"}, {'\'', "''"}, {'"', "\"\""},
    };
    rbk_sbuf b = RBK_SBUF_INIT;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        if (!memchr(s, forms[f].q, n)) continue;
        rbk_sbuf_reset(&b);
        for (size_t i = 0; i < n; i++) {
            if (s[i] == forms[f].q) rbk_sbuf_adds(&b, forms[f].as);
            else rbk_sbuf_addc(&b, s[i]);
        }
        add_derived(m, &b);
    }
    rbk_sbuf_free(&b);
}

static void add_lines(rbk_mask *m, const char *s, size_t n) {
    if (!memchr(s, '\n', n)) return;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            size_t len = i - start;
            if (len && s[start + len - 1] == '\r') len--;
            if (len >= RBK_MASK_MIN_DERIVED) add_pattern(m, s + start, len);
            start = i + 1;
        }
    }
}

/* ---------- public registry ---------- */

rbk_mask *rbk_mask_new(void) {
    rbk_mask *m = rbk_xcalloc(1, sizeof *m);
    m->ac = rbk_xcalloc(1, sizeof *m->ac);
    m->ac->rdirty = 1;
    return m;
}

static void ac_clear(ac *a) {
    free(a->nodes);
    free(a->edges);
    memset(a, 0, sizeof *a);
}

void rbk_mask_free(rbk_mask *m) {
    if (!m) return;
    for (size_t i = 0; i < m->npats; i++) free(m->pats[i].p);
    free(m->pats);
    free(m->set);
    for (size_t i = 0; i < m->ac->nblocks; i++) {
        ac_clear(&m->ac->blocks[i].flow);
        ac_clear(&m->ac->blocks[i].exact);
    }
    free(m->ac->blocks);
    ac_clear(&m->ac->rflow);
    ac_clear(&m->ac->rexact);
    free(m->ac);
    free(m);
}

void rbk_mask_add(rbk_mask *m, const char *s, size_t n) {
    if (!m || !s || n == 0) return;
    size_t at = set_find(m, s, n);
    if (at && m->pats[at - 1].primary) return; /* same secret again: nothing new */
    add_pattern(m, s, n);
    m->pats[set_find(m, s, n) - 1].primary = 1;
    add_lines(m, s, n);
    if (n > RBK_MASK_MAX_ENCODED) return; /* a dump, not a token: itself and its lines */
    add_base64_forms(m, s, n);
    add_hex_forms(m, s, n);
    add_url_forms(m, s, n);
    add_json_forms(m, s, n);
    add_quote_forms(m, s, n);
}

int rbk_mask_contains(const rbk_mask *m, const char *s, size_t n) {
    return m && n && set_find(m, s, n) != 0;
}

size_t rbk_mask_count(const rbk_mask *m) { return m ? m->npats : 0; }
size_t rbk_mask_longest(const rbk_mask *m) {
    size_t n = 0;
    for (size_t i = 0; m && i < m->npats; i++)
        if (m->pats[i].n > n) n = m->pats[i].n;
    return n;
}

/* ---------- Aho-Corasick ---------- */

static int is_break(unsigned char c) { return c == '\n' || c == '\r'; }
static int has_break(const char *s, size_t n) { return memchr(s, '\n', n) || memchr(s, '\r', n); }

static size_t edge_slot(const ac *a, uint64_t key) {
    uint64_t h = key * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 20) & (a->edgecap - 1);
}

static int32_t edge_get(const ac *a, int32_t node, unsigned char c) {
    const ac_node *nd = &a->nodes[node];
    if (nd->child1 >= 0 && nd->byte1 == c) return nd->child1;
    if (!nd->many) return -1;
    uint64_t key = ((uint64_t)node << 8 | c) + 1;
    for (size_t i = edge_slot(a, key);; i = (i + 1) & (a->edgecap - 1)) {
        if (a->edges[i].key == key) return a->edges[i].child;
        if (!a->edges[i].key) return -1;
    }
}

static void edge_put(ac *a, int32_t node, unsigned char c, int32_t child) {
    if ((a->nedges + 1) * 2 > a->edgecap) {
        size_t oldcap = a->edgecap;
        ac_edge *old = a->edges;
        a->edgecap = oldcap ? oldcap * 2 : 256;
        a->edges = rbk_xcalloc(a->edgecap, sizeof *a->edges);
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key) {
                size_t j = edge_slot(a, old[i].key);
                while (a->edges[j].key) j = (j + 1) & (a->edgecap - 1);
                a->edges[j] = old[i];
            }
        free(old);
    }
    uint64_t key = ((uint64_t)node << 8 | c) + 1;
    size_t j = edge_slot(a, key);
    while (a->edges[j].key) j = (j + 1) & (a->edgecap - 1);
    a->edges[j].key = key;
    a->edges[j].child = child;
    a->nedges++;
}

static int32_t new_node(ac *a, unsigned char byte, uint32_t depth) {
    if (a->nnodes == a->capnodes) {
        a->capnodes = a->capnodes ? a->capnodes * 2 : 256;
        a->nodes = rbk_xrealloc(a->nodes, a->capnodes * sizeof *a->nodes);
    }
    ac_node *nd = &a->nodes[a->nnodes];
    memset(nd, 0, sizeof *nd);
    nd->child1 = nd->sibling = nd->first = -1;
    nd->byte = byte;
    nd->depth = depth;
    return (int32_t)a->nnodes++;
}

static int32_t child_of(const ac *a, int32_t node, unsigned char c) {
    if (node == 0) return a->root[c] ? a->root[c] : -1;
    return edge_get(a, node, c);
}

/* Builds a from the patterns [from, to) with (breaks = 1) or without (breaks = 0) a CR/LF
 * byte; reversed: each pattern's bytes in reverse order. */
static void ac_build(ac *a, const rbk_mask *m, size_t from, size_t to, int breaks, int reversed) {
    ac_clear(a);
    new_node(a, 0, 0);
    for (size_t p = from; p < to; p++) {
        const unsigned char *s = (const unsigned char *)m->pats[p].p;
        size_t n = m->pats[p].n;
        if (has_break(m->pats[p].p, n) != breaks) continue;
        if (n > a->maxlen) a->maxlen = n;
        int32_t cur = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned char c = s[reversed ? n - 1 - i : i];
            int32_t nx = child_of(a, cur, c);
            if (nx < 0) {
                nx = new_node(a, c, (uint32_t)i + 1);
                ac_node *cn = &a->nodes[cur];
                if (cur == 0) {
                    a->root[c] = nx;
                } else if (cn->child1 < 0) {
                    cn->child1 = nx;
                    cn->byte1 = c;
                } else {
                    cn->many = 1;
                    edge_put(a, cur, c, nx);
                }
                a->nodes[nx].sibling = a->nodes[cur].first;
                a->nodes[cur].first = nx;
            }
            cur = nx;
        }
        if (a->nodes[cur].outlen < n) a->nodes[cur].outlen = (uint32_t)n;
    }
    /* breadth-first: failure links and inherited output lengths */
    int32_t *queue = rbk_xmalloc(a->nnodes * sizeof *queue);
    size_t qh = 0, qt = 0;
    for (int32_t c = a->nodes[0].first; c >= 0; c = a->nodes[c].sibling) {
        a->nodes[c].fail = 0;
        queue[qt++] = c;
    }
    while (qh < qt) {
        int32_t u = queue[qh++];
        for (int32_t v = a->nodes[u].first; v >= 0; v = a->nodes[v].sibling) {
            unsigned char c = a->nodes[v].byte;
            int32_t f = a->nodes[u].fail, t;
            while ((t = child_of(a, f, c)) < 0 && f != 0) f = a->nodes[f].fail;
            a->nodes[v].fail = t >= 0 ? t : 0;
            uint32_t fo = a->nodes[a->nodes[v].fail].outlen;
            if (fo > a->nodes[v].outlen) a->nodes[v].outlen = fo;
            queue[qt++] = v;
        }
    }
    free(queue);
}

static void block_build(const rbk_mask *m, ac_block *b) {
    ac_build(&b->flow, m, b->from, b->to, 0, 0);
    ac_build(&b->exact, m, b->from, b->to, 1, 0);
    m->ac->built_bytes += b->bytes;
}

size_t rbk_mask_built_bytes(const rbk_mask *m) { return m ? m->ac->built_bytes : 0; }

static void ac_ready(const rbk_mask *m, int reversed) {
    ac_set *A = m->ac;
    if (!reversed && A->built < m->npats) {
        if (A->nblocks == A->capblocks) {
            A->capblocks = A->capblocks ? A->capblocks * 2 : 8;
            A->blocks = rbk_xrealloc(A->blocks, A->capblocks * sizeof *A->blocks);
        }
        ac_block *b = &A->blocks[A->nblocks++];
        memset(b, 0, sizeof *b);
        b->from = A->built;
        b->to = m->npats;
        for (size_t p = b->from; p < b->to; p++) b->bytes += m->pats[p].n;
        A->built = m->npats;
        /* merge while the last block is more than half the one before it */
        while (A->nblocks >= 2 && A->blocks[A->nblocks - 1].bytes * 2 > A->blocks[A->nblocks - 2].bytes) {
            ac_block *last = &A->blocks[A->nblocks - 1], *prev = last - 1;
            prev->to = last->to;
            prev->bytes += last->bytes;
            ac_clear(&last->flow);
            ac_clear(&last->exact);
            A->nblocks--;
            ac_clear(&prev->flow); /* rebuilt below with both runs (no nodes: not built) */
            ac_clear(&prev->exact);
        }
        for (size_t i = 0; i < A->nblocks; i++)
            if (!A->blocks[i].flow.nodes) block_build(m, &A->blocks[i]);
    }
    if (reversed && A->rdirty) {
        ac_build(&A->rflow, m, 0, m->npats, 0, 1);
        ac_build(&A->rexact, m, 0, m->npats, 1, 1);
        A->rdirty = 0;
    }
}

/* The state after c (failure links followed). */
static int32_t ac_next(const ac *a, int32_t state, unsigned char c) {
    for (;;) {
        int32_t nx = child_of(a, state, c);
        if (nx >= 0) return nx;
        if (state == 0) return 0;
        state = a->nodes[state].fail;
    }
}

typedef struct span {
    size_t start, end;
} span;

typedef struct spans {
    span *v;
    size_t n, cap;
} spans;

static void spans_add(spans *sp, size_t s, size_t e) {
    if (sp->n == sp->cap) {
        sp->cap = sp->cap ? sp->cap * 2 : 16;
        sp->v = rbk_xrealloc(sp->v, sp->cap * sizeof *sp->v);
    }
    sp->v[sp->n].start = s;
    sp->v[sp->n].end = e;
    sp->n++;
}

/* Adds [s, e); e is greater than every end seen so far. Overlapping spans merge. */
static void spans_push(spans *sp, size_t s, size_t e) {
    while (sp->n && sp->v[sp->n - 1].end > s) {
        if (sp->v[sp->n - 1].start < s) s = sp->v[sp->n - 1].start;
        sp->n--;
    }
    spans_add(sp, s, e);
}

static int span_cmp(const void *x, const void *y) {
    const span *a = x, *b = y;
    return a->start < b->start ? -1 : a->start > b->start;
}

/* Sorts spans from several scans by start and merges the overlapping ones. */
static void spans_normalise(spans *sp) {
    if (sp->n < 2) return;
    qsort(sp->v, sp->n, sizeof *sp->v, span_cmp);
    size_t k = 0;
    for (size_t i = 1; i < sp->n; i++) {
        if (sp->v[i].start < sp->v[k].end) {
            if (sp->v[i].end > sp->v[k].end) sp->v[k].end = sp->v[i].end;
        } else {
            sp->v[++k] = sp->v[i];
        }
    }
    sp->n = k + 1;
}

/* Scans s with a, adding the spans of its matches to sp (stop_at_first: return after the first
 * one). skip_breaks: CR and LF bytes are not fed; a match's span runs from the text position
 * of its first fed byte. *tail (when not NULL) gets the start of the longest suffix of s that
 * is a path of the trie (the beginning of a pattern that a cut after s would have split), or n.
 * Returns 1 when a match was found. */
static int ac_scan(const ac *a, const char *str, size_t n, int skip_breaks, spans *sp, int stop_at_first,
                   size_t *tail) {
    const unsigned char *s = (const unsigned char *)str;
    const ac_node *nodes = a->nodes;
    if (tail) *tail = n;
    if (!a->maxlen || !n) return 0;
    int found = 0;
    int32_t state = 0;
    if (!skip_breaks || !has_break(str, n)) {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = s[i];
            if (state == 0) {
                /* fast path: skip bytes that start no pattern */
                while (!a->root[c]) {
                    if (++i == n) return found;
                    c = s[i];
                }
                state = a->root[c];
            } else {
                state = ac_next(a, state, c);
            }
            uint32_t ol = nodes[state].outlen;
            if (ol) {
                spans_push(sp, i + 1 - ol, i + 1);
                found = 1;
                if (stop_at_first) return found;
            }
        }
        if (tail) *tail = n - nodes[state].depth;
        return found;
    }
    /* positions of the last fed bytes: a match (or trie path) is at most maxlen of them */
    size_t ring = 1;
    while (ring < a->maxlen) ring <<= 1;
    size_t *pos = rbk_xmalloc(ring * sizeof *pos), fed = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_break(s[i])) continue;
        /* at the root, a byte that starts no pattern is not fed: no match or path holds it */
        if (state == 0 && !a->root[s[i]]) continue;
        pos[fed++ & (ring - 1)] = i;
        state = ac_next(a, state, s[i]);
        uint32_t ol = nodes[state].outlen;
        if (ol) {
            spans_push(sp, pos[(fed - ol) & (ring - 1)], i + 1);
            found = 1;
            if (stop_at_first) break;
        }
    }
    uint32_t d = nodes[state].depth;
    if (tail && d) *tail = pos[(fed - d) & (ring - 1)];
    free(pos);
    return found;
}

/* For the reversed automaton r: the end of the longest prefix of s that is the end of a pattern
 * (a path of r read backwards), CR/LF skipped when skip_breaks; 0 when none. */
static size_t ac_head(const ac *r, const char *str, size_t n, int skip_breaks) {
    const unsigned char *s = (const unsigned char *)str;
    if (!r->maxlen || !n) return 0;
    /* the first maxlen fed bytes: no pattern is longer */
    size_t lim = 0, k = 0;
    while (lim < n && k < r->maxlen) {
        if (!(skip_breaks && is_break(s[lim]))) k++;
        lim++;
    }
    int32_t state = 0;
    for (size_t i = lim; i-- > 0;) {
        if (skip_breaks && is_break(s[i])) continue;
        state = ac_next(r, state, s[i]);
    }
    uint32_t d = r->nodes[state].depth;
    if (!d) return 0;
    size_t i = 0;
    for (k = 0; i < n; i++) {
        if (skip_breaks && is_break(s[i])) continue;
        if (++k == d) break;
    }
    return i + 1;
}

/* 1 when s is a piece of the inside of one pattern (for a piece cut on both sides: its edges
 * need not begin or end the pattern). CR/LF in s are left out for the patterns without them. */
static int inside_pattern(const rbk_mask *m, const char *s, size_t n) {
    rbk_sbuf flat = RBK_SBUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (!is_break((unsigned char)s[i])) rbk_sbuf_addc(&flat, s[i]);
    int found = 0;
    for (size_t p = 0; p < m->npats && !found; p++) {
        const mask_pat *q = &m->pats[p];
        int breaks = has_break(q->p, q->n);
        const char *t = breaks ? s : rbk_sbuf_cstr(&flat);
        size_t tn = breaks ? n : flat.len;
        found = tn && tn <= q->n && memmem(q->p, q->n, t, tn) != NULL;
    }
    rbk_sbuf_free(&flat);
    return found;
}

static void emit_masked(rbk_sbuf *out, const char *s, size_t n, const spans *sp) {
    rbk_sbuf_reserve(out, n);
    size_t pos = 0;
    for (size_t k = 0; k < sp->n; k++) {
        rbk_sbuf_add(out, s + pos, sp->v[k].start - pos);
        rbk_sbuf_add(out, RBK_MASK_REPLACEMENT, sizeof RBK_MASK_REPLACEMENT - 1);
        pos = sp->v[k].end;
    }
    rbk_sbuf_add(out, s + pos, n - pos);
}

void rbk_mask_apply_piece(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n, int cut_before,
                          int cut_after) {
    if (!m || m->npats == 0 || n == 0) {
        rbk_sbuf_add(out, s, n);
        return;
    }
    ac_ready(m, 0);
    spans sp = {NULL, 0, 0}, one = {NULL, 0, 0};
    size_t tail = n;
    for (size_t b = 0; b < m->ac->nblocks; b++)
        for (int exact = 0; exact < 2; exact++) {
            const ac_block *blk = &m->ac->blocks[b];
            size_t t = n;
            one.n = 0;
            ac_scan(exact ? &blk->exact : &blk->flow, s, n, !exact, &one, 0, cut_after ? &t : NULL);
            for (size_t k = 0; k < one.n; k++) spans_add(&sp, one.v[k].start, one.v[k].end);
            if (t < tail) tail = t;
        }
    free(one.v);
    if (cut_after && tail < n) spans_add(&sp, tail, n);
    if (cut_before) {
        ac_ready(m, 1);
        size_t h1 = ac_head(&m->ac->rflow, s, n, 1), h2 = ac_head(&m->ac->rexact, s, n, 0);
        if (h1 || h2) spans_add(&sp, 0, h1 > h2 ? h1 : h2);
    }
    if (cut_before && cut_after && inside_pattern(m, s, n)) spans_add(&sp, 0, n);
    spans_normalise(&sp);
    if (sp.n == 0) rbk_sbuf_add(out, s, n);
    else emit_masked(out, s, n, &sp);
    free(sp.v);
}

size_t rbk_mask_stream(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n) {
    if (!m || m->npats == 0 || n == 0) {
        rbk_sbuf_add(out, s, n);
        return n;
    }
    ac_ready(m, 0);
    spans sp = {NULL, 0, 0}, one = {NULL, 0, 0};
    size_t cut = n;
    for (size_t b = 0; b < m->ac->nblocks; b++)
        for (int exact = 0; exact < 2; exact++) {
            size_t t = n;
            one.n = 0;
            ac_scan(exact ? &m->ac->blocks[b].exact : &m->ac->blocks[b].flow, s, n, !exact, &one, 0, &t);
            for (size_t k = 0; k < one.n; k++) spans_add(&sp, one.v[k].start, one.v[k].end);
            if (t < cut) cut = t;
        }
    free(one.v);
    spans_normalise(&sp);
    size_t keep = 0; /* the spans wholly before the cut; one that reaches past it moves the cut */
    while (keep < sp.n && sp.v[keep].end <= cut) keep++;
    if (keep < sp.n && sp.v[keep].start < cut) cut = sp.v[keep].start;
    sp.n = keep;
    if (sp.n == 0) rbk_sbuf_add(out, s, cut);
    else emit_masked(out, s, cut, &sp);
    free(sp.v);
    return cut;
}

void rbk_mask_apply(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n) {
    rbk_mask_apply_piece(m, out, s, n, 0, 0);
}

int rbk_mask_hits(const rbk_mask *m, const char *s, size_t n) {
    if (!m || m->npats == 0 || n == 0) return 0;
    ac_ready(m, 0);
    spans sp = {NULL, 0, 0};
    int hit = 0;
    for (size_t b = 0; b < m->ac->nblocks && !hit; b++)
        hit = ac_scan(&m->ac->blocks[b].flow, s, n, 1, &sp, 1, NULL) ||
              ac_scan(&m->ac->blocks[b].exact, s, n, 0, &sp, 1, NULL);
    free(sp.v);
    return hit;
}
