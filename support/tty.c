/* support/tty.c — see tty.h. */
#include "tty.h"
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include "clock.h"

int rbk_tty_available(void) {
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}

int rbk_tty_read(const char *prompt, int secret, int64_t timeout_ms, volatile sig_atomic_t *interrupted, rbk_sbuf *line) {
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return RBK_TTY_NONE;
    struct termios old, raw;
    int have_term = tcgetattr(fd, &old) == 0;
    if (secret && have_term) {
        raw = old;
        raw.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fd, TCSAFLUSH, &raw);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) { /* the prompt is best effort */ }
    int64_t end = timeout_ms > 0 ? rbk_now_ms() + timeout_ms : INT64_MAX;
    int rc;
    for (;;) {
        if (interrupted && *interrupted) { rc = RBK_TTY_INTERRUPTED; break; }
        int64_t left = end - rbk_now_ms();
        if (left <= 0) { rc = RBK_TTY_TIMEOUT; break; }
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, left < 200 ? (int)left : 200);
        if (n <= 0) continue;
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r <= 0) { rc = RBK_TTY_EOF; break; }
        if (c == '\n' || c == '\r') { rc = RBK_TTY_OK; break; }
        rbk_sbuf_addc(line, c);
    }
    if (secret && have_term) {
        tcsetattr(fd, TCSAFLUSH, &old);
        if (write(fd, "\n", 1) < 0) { /* best effort */ }
    } else if (rc != RBK_TTY_OK) {
        if (write(fd, "\n", 1) < 0) { /* best effort */ }
    }
    close(fd);
    return rc;
}
