/* support/text.h — untrusted text made safe to show: what a command printed, what a server sent,
 * an error a library wrote. One module for every output that shows such text, so that no
 * writer forgets a byte class.
 * Owns: strict UTF-8 decoding, and three cleanings of a text (always after masking: cleaning
 * changes bytes, which masking would no longer recognise — docs/secrets.md):
 *   - for a terminal (rbk_text_clean_term: the live and plain faces of `run`, questions):
 *     a C0 control other than tab and newline, DEL, and each byte that is not UTF-8 become
 *     the visible escape \xNN (ESC is \x1b); a C1 control (U+0080-U+009F) and a bidirectional
 *     control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069: they reorder what is
 *     shown) become \uXXXX; a CR before LF or at the end is dropped (a CR LF line end).
 *     So no escape sequence, no title change, no clear screen, no overwritten line reaches
 *     the operator's terminal, whatever the text holds;
 *   - for documents (rbk_text_clean_pictures: the reports): a C0 control becomes its Unicode
 *     control picture (ESC → U+241B), DEL → U+2421, a CR before LF is dropped; C1 and
 *     bidirectional controls, U+FFFE/U+FFFF and each invalid byte → U+FFFD. Valid UTF-8,
 *     valid XML 1.0, safe to cat;
 *   - as a JSON string literal (rbk_text_json_str: the JSON log): valid UTF-8 (an invalid byte
 *     is \ufffd), every C0 and DEL escaped as JSON requires (\n \r \t \" \\ short, others
 *     \u00XX), C1 and bidirectional controls escaped as \uXXXX too, so a consumer that prints
 *     a decoded string gets the text back, but `cat` of the log cannot drive a terminal.
 * Shares invariants with: cli/render.c, cli/report.c, support/tty.c (the writers). */
#ifndef RBK_TEXT_H
#define RBK_TEXT_H
#include <stddef.h>
#include <stdint.h>
#include "sbuf.h"

/* Appends code point cp as UTF-8. */
void rbk_text_put_cp(rbk_sbuf *b, uint32_t cp);
/* 1 for a bidirectional control character (see above). */
int rbk_text_is_bidi(uint32_t cp);

void rbk_text_clean_term(rbk_sbuf *out, const char *s, size_t n);
void rbk_text_clean_pictures(rbk_sbuf *out, const char *s, size_t n);
void rbk_text_json_str(rbk_sbuf *out, const char *s, size_t n); /* quotes included */
#endif
