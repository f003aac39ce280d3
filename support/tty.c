/* support/tty.c — see tty.h. Two modes: on a real terminal (TERM set and not "dumb") the
 * answer line is edited here (non-canonical, no echo; signals stay on so Ctrl-C still raises
 * SIGINT) and redrawn with the countdown; otherwise the question is written once and the
 * terminal's own line editing is used. The only process-wide state is the saved terminal mode,
 * kept so that a signal handler can restore it (there is one controlling terminal). */
#include "tty.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include "clock.h"
#include "text.h"

static struct termios g_saved;
static volatile sig_atomic_t g_saved_fd = -1;

void rbk_tty_restore(void) {
    int fd = g_saved_fd;
    if (fd >= 0) {
        tcsetattr(fd, TCSANOW, &g_saved);
        g_saved_fd = -1;
    }
}

int rbk_tty_raw(int fd) {
    struct termios m;
    if (tcgetattr(fd, &m) != 0) return -1;
    g_saved = m;
    g_saved_fd = fd;
    /* cfmakeraw, spelled out (it is not in POSIX) */
    m.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    m.c_oflag &= ~(tcflag_t)OPOST;
    m.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    m.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
    m.c_cflag |= CS8;
    m.c_cc[VMIN] = 1;
    m.c_cc[VTIME] = 0;
    tcsetattr(fd, TCSANOW, &m);
    return 0;
}

void rbk_tty_fmt_left(int64_t ms, char out[24]) {
    long long s = ms <= 0 ? 0 : (ms + 999) / 1000;
    if (s >= 3600) snprintf(out, 24, "%lldh %02lldm", s / 3600, s / 60 % 60);
    else if (s >= 60) snprintf(out, 24, "%lldm %02llds", s / 60, s % 60);
    else snprintf(out, 24, "%llds", s);
}

typedef struct ask_state {
    const rbk_tty_req *r;
    int fd;
    int fancy;        /* we edit and redraw the answer line */
    int color;
    size_t base;      /* where this answer starts in *line */
    int esc;          /* 0, 1 after ESC, 2 inside a CSI/SS3 sequence */
    int64_t shown_s;  /* seconds left last drawn */
    struct termios mode;
} ask_state;

static void put(int fd, const char *s, size_t n) {
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return; /* the terminal went away: the read sees it */
        s += w;
        n -= (size_t)w;
    }
}

static size_t cps(const char *s, size_t n) { /* code points (display width, near enough) */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

static int term_cols(int fd) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10) return ws.ws_col;
    return 80;
}

static void left_text(const ask_state *s, char out[40]) {
    out[0] = 0;
    if (s->r->deadline_ms <= 0) return;
    char t[24];
    rbk_tty_fmt_left(s->r->deadline_ms - rbk_now_ms(), t);
    snprintf(out, 40, " (%s left)", t);
}

/* Appends text cleaned for the terminal (support/text.h): a question may quote what a server
 * or a command said, and an answer what the operator pasted. */
static void add_clean(rbk_sbuf *b, const char *text) { rbk_text_clean_term(b, text, strlen(text)); }

/* the answer line: label, countdown, and the tail of what was typed that fits */
static void draw(ask_state *s, const rbk_sbuf *line) {
    rbk_sbuf b = RBK_SBUF_INIT;
    char left[40];
    left_text(s, left);
    int urgent = s->r->deadline_ms > 0 && s->r->deadline_ms - rbk_now_ms() < 60000;
    rbk_sbuf_adds(&b, "\r\033[K  ");
    add_clean(&b, s->r->label);
    rbk_sbuf_printf(&b, "%s%s%s: ", s->color && urgent ? "\033[1;33m" : "", left, s->color && urgent ? "\033[0m" : "");
    if (!s->r->secret) {
        const char *text = line->data ? line->data + s->base : "";
        size_t n = line->len - s->base;
        size_t room = (size_t)term_cols(s->fd) - 1, used = 4 + cps(s->r->label, strlen(s->r->label)) + strlen(left);
        size_t avail = room > used + 2 ? room - used : 2;
        if (cps(text, n) > avail) { /* keep the end: that is where the cursor is */
            rbk_sbuf_addc(&b, '<');
            while (n && cps(text, n) > avail - 1) {
                text++, n--;
                while (n && ((unsigned char)*text & 0xC0) == 0x80) text++, n--;
            }
        }
        rbk_text_clean_term(&b, text, n);
    }
    put(s->fd, b.data, b.len);
    rbk_sbuf_free(&b);
    s->shown_s = s->r->deadline_ms > 0 ? (s->r->deadline_ms - rbk_now_ms() + 999) / 1000 : 0;
}

static void erase_char(ask_state *s, rbk_sbuf *line) {
    while (line->len > s->base) {
        unsigned char c = (unsigned char)line->data[--line->len];
        if ((c & 0xC0) != 0x80) break;
    }
    if (line->data) line->data[line->len] = 0;
}

static void erase_word(ask_state *s, rbk_sbuf *line) {
    while (line->len > s->base && line->data[line->len - 1] == ' ') line->len--;
    while (line->len > s->base && line->data[line->len - 1] != ' ') line->len--;
    if (line->data) line->data[line->len] = 0;
}

/* One input byte. Returns RBK_TTY_OK when the line is complete, RBK_TTY_EOF at end of input,
 * -2 to keep reading. */
static int feed(ask_state *s, rbk_sbuf *line, unsigned char c) {
    if (s->esc == 1) { s->esc = (c == '[' || c == 'O') ? 2 : 0; return -2; }
    if (s->esc == 2) { if (c >= 0x40 && c <= 0x7E) s->esc = 0; return -2; }
    if (c == '\n' || c == '\r') return RBK_TTY_OK;
    if (!s->fancy) { rbk_sbuf_addc(line, (char)c); return -2; }
    if (c == 0x1B) { s->esc = 1; return -2; }
    if (c == 0x7F || c == 0x08 || c == s->mode.c_cc[VERASE]) erase_char(s, line);
    else if (c == 0x15 || c == s->mode.c_cc[VKILL]) { line->len = s->base; if (line->data) line->data[line->len] = 0; }
    else if (c == 0x17) erase_word(s, line);
    else if (c == 0x04 || c == s->mode.c_cc[VEOF]) { if (line->len == s->base) return RBK_TTY_EOF; }
    else if (c >= 0x20) rbk_sbuf_addc(line, (char)c);
    return -2;
}

static void write_intro(ask_state *s) {
    const rbk_tty_req *r = s->r;
    rbk_sbuf b = RBK_SBUF_INIT;
    if (r->question) {
        rbk_sbuf_printf(&b, "\n%s", s->color ? "\033[1m" : "");
        add_clean(&b, r->question);
        rbk_sbuf_printf(&b, "%s\n", s->color ? "\033[0m" : "");
    }
    if (r->body) {
        add_clean(&b, r->body);
        if (r->body[0] && r->body[strlen(r->body) - 1] != '\n') rbk_sbuf_addc(&b, '\n');
    }
    if (r->hint) {
        rbk_sbuf_adds(&b, s->color ? "\033[33m" : "");
        add_clean(&b, r->hint);
        rbk_sbuf_printf(&b, "%s\n", s->color ? "\033[0m" : "");
    }
    if (!s->fancy) {
        char left[40];
        left_text(s, left);
        rbk_sbuf_adds(&b, "  ");
        add_clean(&b, r->label);
        rbk_sbuf_printf(&b, "%s: ", left);
    }
    put(s->fd, b.data, b.len);
    rbk_sbuf_free(&b);
}

static int read_loop(ask_state *s, rbk_sbuf *line) {
    const rbk_tty_req *r = s->r;
    for (;;) {
        if (r->interrupted && *r->interrupted) return RBK_TTY_INTERRUPTED;
        int slice = 200;
        if (r->deadline_ms > 0) {
            int64_t left = r->deadline_ms - rbk_now_ms();
            if (left <= 0) return RBK_TTY_TIMEOUT;
            if (left < slice) slice = (int)left;
            if (s->fancy && (left + 999) / 1000 != s->shown_s) draw(s, line);
        }
        struct pollfd p = {s->fd, POLLIN, 0};
        int n = poll(&p, 1, slice);
        if (n < 0 && errno != EINTR) return RBK_TTY_EOF;
        if (n <= 0) continue;
        unsigned char buf[64];
        ssize_t got = read(s->fd, buf, sizeof buf);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) return RBK_TTY_EOF;
        for (ssize_t i = 0; i < got; i++) {
            int rc = feed(s, line, buf[i]);
            if (rc != -2) return rc;
        }
        if (s->fancy) draw(s, line);
    }
}

int rbk_tty_ask(const rbk_tty_req *r, rbk_sbuf *line) {
    ask_state s;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (s.fd < 0) return RBK_TTY_NONE;
    const char *term = getenv("TERM");
    int have_term = tcgetattr(s.fd, &s.mode) == 0;
    s.fancy = have_term && term && *term && strcmp(term, "dumb");
    s.color = s.fancy && !getenv("NO_COLOR");
    s.base = line->len;
    if (have_term) {
        struct termios m = s.mode;
        if (s.fancy) {
            m.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
            m.c_cc[VMIN] = 1;
            m.c_cc[VTIME] = 0;
        } else if (r->secret) {
            m.c_lflag &= ~(tcflag_t)ECHO;
        }
        g_saved = s.mode;
        g_saved_fd = s.fd;
        tcsetattr(s.fd, TCSAFLUSH, &m); /* also drops what was typed before the question */
    }
    write_intro(&s);
    if (s.fancy) draw(&s, line);
    int rc = read_loop(&s, line);
    if (s.fancy) draw(&s, line); /* the answer as given stays on the screen */
    if (have_term) {
        g_saved_fd = -1;
        tcsetattr(s.fd, TCSANOW, &s.mode);
    }
    if (s.fancy || r->secret || rc != RBK_TTY_OK) put(s.fd, "\n", 1);
    close(s.fd);
    return rc;
}
