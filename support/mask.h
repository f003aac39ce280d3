/* support/mask.h — the secret registry behind the VM's single masking writer (docs/language.md §9).
 * Owns: the set of byte patterns to hide (every registered secret and its derived forms) and
 * the multi-pattern search (Aho-Corasick) that replaces them by "***".
 * Shares invariants with: the VM's output writer (vm/), which passes every byte the tool
 * prints or writes through rbk_mask_apply, and stdlib natives (which register secrets through
 * rbk_vm_add_secret).
 *
 * What rbk_mask_add registers for a secret S (n >= 1 bytes; empty secrets and duplicates are
 * ignored):
 *   1. S itself, whatever its length (the author declared it secret).
 *   2. Derived forms, each only when it is at least RBK_MASK_MIN_DERIVED (4) bytes long, so
 *      that a tiny secret does not make us mask trivia (a 1-byte secret's unpadded base64 is
 *      2 characters; a blank line of a key file is 0):
 *      - lines: when S contains '\n', each line (a trailing '\r' removed), so a multi-line
 *        secret (a PEM key, a kubeconfig) is caught when a tool prints part of it, or prints it
 *        re-wrapped;
 *      - base64, standard (+/) and URL-safe (-_) alphabets, with and without '=' padding;
 *      - base64 alignment cores: when S is embedded in a longer stream that is then
 *        base64-encoded (an Authorization: Basic header "user:S", a Kubernetes Secret, a JWT),
 *        S starts at byte offset k of a 3-byte group, k = 0, 1 or 2, and only the base64
 *        characters whose 6 bits come entirely from S are fixed. For each k we encode k zero
 *        bytes + S and keep the characters [ceil(8k/6), floor(8(k+n)/6)), i.e. drop the
 *        leading characters mixed with the unknown prefix and the trailing ones mixed with the
 *        unknown suffix. Both alphabets. A match of a core masks the core; the 1-2 characters
 *        each side that mix in neighbouring bytes leak at most 4 bits of S each;
 *      - hexadecimal (`xxd -p`, `xxd -p -u`, `basenc --base16`): every byte as two hex digits,
 *        lower case and upper case;
 *      - URL (percent) encoding: everything but RFC 3986 unreserved bytes as %XX, upper and lower
 *        case hex, with space as %20 and as '+' (form encoding); Python's quote() (which leaves
 *        '/' as it is) and JavaScript's encodeURIComponent (which leaves ! ' ( ) * as they are);
 *      - JSON string escaping, as written by this tool (rbk_sbuf_add_json_str), by jansson and
 *        Python (\b \f short forms, upper/lower hex), with '/' escaped as "\/", with Go's
 *        HTML-safe \u003c \u003e \u0026, and with non-ASCII as \uXXXX (Python's ensure_ascii,
 *        UTF-16 surrogate pairs), so a secret with quotes or newlines is caught inside JSON.
 *      - quoting: inside POSIX shell single quotes, ' as '\'' (this tool's rbk_sh_quote) and as
 *        '"'"' (Python's shlex.quote); inside shell double quotes a backslash before $ ` " \,
 *        in an unquoted here-document before $ ` \ (this tool's rbk_sh_quote_in); in SQL, '
 *        doubled (a literal) and " doubled (an identifier, this tool's {x:ident});
 *   A derived form equal to one already registered is not added again. A secret longer than
 *   RBK_MASK_MAX_ENCODED (64 KiB) gets its lines only, no encoded form.
 *
 * rbk_mask_apply replaces every occurrence of every pattern; when occurrences overlap, the
 * union of their spans becomes one "***" (the longest match at each position wins, and a
 * match that starts inside another extends it). Adjacent, non-overlapping occurrences give one
 * "***" each. Registering one more pattern does not rebuild everything: patterns are built in
 * blocks (the logarithmic method), each rebuilt O(log n) times in all. A pattern without a
 * line break of its own (CR or LF) is also found with line breaks anywhere inside it, and the
 * span then covers them: so a wrapped form — base64 as `base64` prints it (76 columns) or as
 * PEM does (64), `xxd -p` hex (60), a token folded by any tool — is caught at every width and
 * alignment. A pattern that holds a line break (a
 * multi-line secret) is matched byte for byte. The automata are rebuilt lazily on the first
 * apply after patterns change; with no pattern registered apply is a plain copy. Cost is
 * linear in the input plus the matches.
 *
 * apply masks each call's text on its own: a secret split across two calls is not seen, so
 * the writer must hand over whole texts — mask first, then cut. Where the whole text is no
 * longer there (a report that kept the head and the tail of an output and masks them again
 * when the run ends), rbk_mask_apply_piece masks what may be part of a pattern at a cut edge.
 * Not thread-safe: one registry per VM, used from the VM's thread (apply may rebuild the
 * automata). */
#ifndef RBK_MASK_H
#define RBK_MASK_H
#include <stddef.h>
#include "sbuf.h"

#define RBK_MASK_MIN_DERIVED 4
/* A secret longer than this (a whole file or dump given `secret: true`) gets itself and its
 * lines, not the encoded forms: those would add some 20 times its size to the automata. */
#define RBK_MASK_MAX_ENCODED (64 * 1024)
#define RBK_MASK_REPLACEMENT "***"

typedef struct rbk_mask rbk_mask;

rbk_mask *rbk_mask_new(void);
void rbk_mask_free(rbk_mask *m);
/* Registers secret s (n bytes) and its derived forms (see above). */
void rbk_mask_add(rbk_mask *m, const char *s, size_t n);
/* Appends s (n bytes) to out with every registered pattern replaced by "***". */
void rbk_mask_apply(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n);
/* rbk_mask_apply for a piece of a longer text whose neighbouring bytes were cut away.
 * cut_before: bytes before s are gone, so a prefix of s that ends some pattern (it may be the
 * rest of a secret that began before the cut) is masked too; cut_after: likewise a suffix of s
 * that begins some pattern; with both, a piece that lies wholly inside one pattern is masked
 * whole. A secret that straddled a cut so leaves nothing visible on either side, whichever
 * secrets are registered when the piece is masked — at the price of a few innocent bytes next
 * to a cut, when they happen to begin or end a pattern. */
void rbk_mask_apply_piece(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n, int cut_before,
                          int cut_after);
/* For text shown as it arrives (a command on a terminal, stdlib/std_sh.c): appends s masked,
 * except its open end — the longest suffix that may be the beginning of a pattern, from the
 * start of a match that runs into it — and returns where that end starts in s (n when none).
 * The caller keeps s[ret..n) and passes it again in front of the next bytes, so a secret split
 * across two reads is still masked; at the end of the stream the rest goes through
 * rbk_mask_apply. */
size_t rbk_mask_stream(const rbk_mask *m, rbk_sbuf *out, const char *s, size_t n);
/* 1 when exactly these n bytes are a registered pattern (a secret or a derived form). */
int rbk_mask_contains(const rbk_mask *m, const char *s, size_t n);
/* 1 when s contains at least one registered pattern (apply would change it). */
int rbk_mask_hits(const rbk_mask *m, const char *s, size_t n);
/* Number of registered patterns (secrets plus derived forms). */
size_t rbk_mask_count(const rbk_mask *m);
/* Bytes of the longest registered pattern (0 with none): a text cut anywhere can only leave
 * part of a secret unmasked within this many bytes of the cut. */
size_t rbk_mask_longest(const rbk_mask *m);
/* Pattern bytes the automata have been built from so far, in all (tests and measurements: a
 * secret registered between every two applies costs O(log n) rebuilds of its bytes, not one
 * rebuild of everything — see ac_set in mask.c). */
size_t rbk_mask_built_bytes(const rbk_mask *m);
#endif
