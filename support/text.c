/* support/text.c — see text.h: one cleaning of untrusted text per kind of output. */
#include "text.h"

void rbk_text_put_cp(rbk_sbuf *b, uint32_t cp) {
    char u[4];
    if (cp < 0x80) { rbk_sbuf_addc(b, (char)cp); return; }
    if (cp < 0x800) { u[0] = (char)(0xC0 | cp >> 6); u[1] = (char)(0x80 | (cp & 0x3F)); rbk_sbuf_add(b, u, 2); return; }
    if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F));
        rbk_sbuf_add(b, u, 3);
        return;
    }
    u[0] = (char)(0xF0 | cp >> 18); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F));
    rbk_sbuf_add(b, u, 4);
}

int rbk_text_is_bidi(uint32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* 1 when the CR at p[i - 1] ends a line (CR LF) or the text: it is dropped, not shown */
static int cr_line_end(const unsigned char *p, size_t i, size_t n) {
    return i == n || p[i] == '\n';
}

void rbk_text_clean_term(rbk_sbuf *out, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = rbk_utf8_decode(p + i, n - i, &cp);
        if (!len) {
            char e[4] = {'\\', 'x', hex[p[i] >> 4], hex[p[i] & 15]};
            rbk_sbuf_add(out, e, 4);
            i++;
            continue;
        }
        if (len == 1 && cp != '\n' && cp != '\t' && (cp < 0x20 || cp == 0x7F)) {
            i++;
            if (cp == '\r' && cr_line_end(p, i, n)) continue;
            char e[4] = {'\\', 'x', hex[cp >> 4], hex[cp & 15]};
            rbk_sbuf_add(out, e, 4);
            continue;
        }
        if ((cp >= 0x80 && cp <= 0x9F) || rbk_text_is_bidi(cp)) {
            rbk_sbuf_printf(out, "\\u%04x", (unsigned)cp);
            i += len;
            continue;
        }
        rbk_sbuf_add(out, p + i, len);
        i += len;
    }
}

void rbk_text_clean_pictures(rbk_sbuf *out, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = rbk_utf8_decode(p + i, n - i, &cp);
        if (!len) { rbk_text_put_cp(out, 0xFFFD); i++; continue; }
        i += len;
        if (cp == '\r' && i < n && p[i] == '\n') continue;
        if (cp == '\n' || cp == '\t') rbk_sbuf_addc(out, (char)cp);
        else if (cp < 0x20) rbk_text_put_cp(out, 0x2400 + cp);
        else if (cp == 0x7F) rbk_text_put_cp(out, 0x2421);
        else if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF || rbk_text_is_bidi(cp)) rbk_text_put_cp(out, 0xFFFD);
        else rbk_text_put_cp(out, cp);
    }
}

void rbk_text_json_str(rbk_sbuf *out, const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    rbk_sbuf_addc(out, '"');
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t len = rbk_utf8_decode(p + i, n - i, &cp);
        if (!len) { rbk_sbuf_adds(out, "\\ufffd"); i++; continue; }
        switch (cp) {
        case '"': rbk_sbuf_adds(out, "\\\""); break;
        case '\\': rbk_sbuf_adds(out, "\\\\"); break;
        case '\n': rbk_sbuf_adds(out, "\\n"); break;
        case '\r': rbk_sbuf_adds(out, "\\r"); break;
        case '\t': rbk_sbuf_adds(out, "\\t"); break;
        default:
            if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || rbk_text_is_bidi(cp))
                rbk_sbuf_printf(out, "\\u%04x", (unsigned)cp);
            else
                rbk_sbuf_add(out, p + i, len);
        }
        i += len;
    }
    rbk_sbuf_addc(out, '"');
}
