/* cli/render.c — renders the event stream for people (plain lines, or live on a terminal; see
 * render.h) and for machines (--log-format json: one JSON object per line). Every string in an
 * event is already masked by the VM. The text sink cleans every string of an event once, where
 * it takes the event in (clean_event: no escape sequence from a command, a server or an error
 * reaches the terminal), and only then adds its own colours; the JSON log writes each string
 * as valid, escaped JSON (rbk_text_json_str). The plain text of an event is produced once
 * (render_plain) and used by both faces; the live face adds the status line, the ✓/✗ step
 * lines and the second summary line. */
#include "render.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "../support/clock.h"
#include "../support/sbuf.h"
#include "../support/text.h"
#include "../support/tty.h"
#include "../support/duration.h"
#include "../support/jsonw.h"

static int utf8_locale(void) {
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return strcasestr(v, "utf-8") || strcasestr(v, "utf8");
    }
    return 0;
}

void rbk_term_init(rbk_term *t, FILE *out, int color, int tty, int verbose) {
    memset(t, 0, sizeof *t);
    const char *term = getenv("TERM");
    int dumb = !term || !*term || !strcmp(term, "dumb");
    t->out = out;
    t->color = color && !dumb;
    t->tty = tty;
    t->verbose = verbose;
    t->live = isatty(fileno(out)) && !dumb;
    t->utf8 = utf8_locale();
    t->failed_step = -1;
    t->last_end_step = -1;
    pthread_mutex_init(&t->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->wake, &ca);
    pthread_condattr_destroy(&ca);
}
void rbk_term_free(rbk_term *t) {
    rbk_term_stop(t);
    pthread_cond_destroy(&t->wake);
    pthread_mutex_destroy(&t->mu);
    free(t->title);
    free(t->first_failure);
    free(t->fail_at);
    free(t->step_name);
    free(t->poll_text);
    free(t->last_pass);
}

#define C(t, code) ((t)->color ? "\033[" code "m" : "")
static void dur(rbk_sbuf *b, int64_t ms) { rbk_duration_fmt(b, ms); }

static void indent_lines(rbk_sbuf *o, const char *prefix, const char *text) {
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        rbk_sbuf_printf(o, "%s%.*s\n", prefix, (int)n, p);
        if (!nl) break;
        p = nl + 1;
    }
}

static void caret(rbk_term *t, const rbk_event *ev, rbk_sbuf *o) {
    if (!ev->file || !ev->source_line) return;
    rbk_sbuf_printf(o, "%5d | %s\n      | ", ev->line, ev->source_line);
    for (int i = 1; i < ev->col && ev->source_line[i - 1]; i++) rbk_sbuf_addc(o, ev->source_line[i - 1] == '\t' ? '\t' : ' ');
    rbk_sbuf_printf(o, "%s^%s\n", C(t, "1;32"), C(t, "0"));
}

/* ---------------------------------------------------------------- bookkeeping (both faces) */
enum { END_OK, END_FAILED, END_SKIPPED, END_STOPPED };

static int *end_counter(rbk_term *t, int status) {
    return status == END_OK ? &t->steps_ok : status == END_FAILED ? &t->steps_failed : status == END_SKIPPED ? &t->steps_skipped : &t->steps_stopped;
}

static void account(rbk_term *t, const rbk_event *ev) {
    switch (ev->kind) {
    case RBK_EV_RUN_START:
        t->nsteps = ev->nsteps;
        free(t->title);
        t->title = ev->text ? strdup(ev->text) : NULL;
        break;
    case RBK_EV_STEP_END: {
        const char *s = ev->status;
        if (ev->instance) { /* an instance of a per-item step: its step's own end counts */
            if (!strcmp(s, "ok")) t->instances_ok++;
            else if (strcmp(s, "skipped")) t->instances_failed++;
            break;
        }
        int st = !strcmp(s, "ok") ? END_OK : !strcmp(s, "skipped") ? END_SKIPPED : !strcmp(s, "failed") ? END_FAILED : END_STOPPED;
        if (ev->step >= 0 && ev->step == t->last_end_step) (*end_counter(t, t->last_end_status))--; /* re-run after a decision */
        (*end_counter(t, st))++;
        t->last_end_step = ev->step;
        t->last_end_status = st;
        if (st == END_OK && t->failed_step >= 0 && t->failed_step == ev->step) { /* retried and passed */
            t->failed_step = -1;
            free(t->first_failure);
            t->first_failure = NULL;
        }
        if ((st == END_FAILED || st == END_STOPPED) && t->failed_step < 0) {
            t->failed_step = ev->step;
            free(t->first_failure);
            rbk_sbuf f = RBK_SBUF_INIT;
            rbk_sbuf_printf(&f, "\"%s\" %s", ev->step_name, s);
            t->first_failure = rbk_sbuf_detach(&f);
        }
        break;
    }
    case RBK_EV_FAIL:
        if (ev->file && !t->fail_at) {
            rbk_sbuf f = RBK_SBUF_INIT;
            rbk_sbuf_printf(&f, "%s:%d", ev->file, ev->line);
            t->fail_at = rbk_sbuf_detach(&f);
        }
        break;
    case RBK_EV_ROLLBACK_END:
        if (ev->instance) break; /* counted with its step's */
        if (!strcmp(ev->status, "ok")) t->rollbacks_ok++;
        else if (!strcmp(ev->status, "failed")) t->rollbacks_failed++;
        else if (strcmp(ev->status, "none")) t->rollbacks_not_run++;
        break;
    default: break;
    }
}

/* ---------------------------------------------------------------- the plain text of an event */
static void render_plain(rbk_term *t, const rbk_event *ev, rbk_sbuf *o) {
    rbk_sbuf d = RBK_SBUF_INIT;
    switch (ev->kind) {
    case RBK_EV_RUN_START:
        rbk_sbuf_printf(o, "%s== %s%s (%d step%s)%s", C(t, "1"), ev->text ? ev->text : "runbook", "",
                        ev->nsteps, ev->nsteps == 1 ? "" : "s", ev->dry_run ? " — DRY RUN: writes are shown, not done" : "");
        if (ev->time_scale > 1) { /* nobody may take a rehearsal for a real run */
            rbk_sbuf_adds(o, " — REHEARSAL: time scaled ");
            rbk_time_scale_fmt(o, ev->time_scale);
        }
        rbk_sbuf_printf(o, "%s\n", C(t, "0"));
        break;
    case RBK_EV_SECTION: rbk_sbuf_printf(o, "%s## %s%s\n", C(t, "1"), ev->text, C(t, "0")); break;
    case RBK_EV_STEP_START:
        free(t->last_pass);
        t->last_pass = NULL;
        rbk_sbuf_printf(o, "%s[%d/%d] %s%s%s\n", C(t, "1"), ev->code, ev->nsteps, ev->step_name,
                        ev->attempt > 1 ? " (retry)" : "", C(t, "0"));
        break;
    case RBK_EV_STEP_RETRY:
        rbk_sbuf_printf(o, "  %sretry%s attempt %d of the step\n", C(t, "33"), C(t, "0"), ev->attempt);
        break;
    case RBK_EV_STEP_END: {
        dur(&d, ev->duration_ms);
        const char *s = ev->status;
        if (!strcmp(s, "ok") && ev->text) /* not run in this run: why it counts as done */
            rbk_sbuf_printf(o, "[%d/%d] %sok%s %s: %s\n", ev->code, ev->nsteps, C(t, "32"), C(t, "0"), ev->step_name, ev->text);
        else if (!strcmp(s, "ok")) rbk_sbuf_printf(o, "[%d/%d] %sok%s %s (%s)\n", ev->code, ev->nsteps, C(t, "32"), C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d));
        else if (!strcmp(s, "skipped")) rbk_sbuf_printf(o, "[%d/%d] %sskipped%s %s: %s\n", ev->code, ev->nsteps, C(t, "2"), C(t, "0"), ev->step_name, ev->text ? ev->text : "");
        else
            rbk_sbuf_printf(o, "[%d/%d] %s%s%s %s (%s)\n", ev->code, ev->nsteps, C(t, "1;31"), !strcmp(s, "failed") ? "FAILED" : !strcmp(s, "stopped") ? "STOPPED" : "INTERRUPTED",
                            C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d));
        break;
    }
    case RBK_EV_EXPECT:
    case RBK_EV_STOP_IF: {
        int bad = !strcmp(ev->status, "failed") || !strcmp(ev->status, "stopped");
        if (!strcmp(ev->status, "clear") && !t->verbose) break; /* an unverified one is shown */
        if (!strcmp(ev->status, "passed") && ev->file && !t->verbose) {
            /* once per step: a `watch` every 30s for 15m passes the same expect 31 times */
            rbk_sbuf key = RBK_SBUF_INIT, all = RBK_SBUF_INIT;
            rbk_sbuf_printf(&key, "\n%s:%d:%d\n", ev->file, ev->line, ev->col);
            int again = t->last_pass && strstr(t->last_pass, key.data);
            if (!again) {
                rbk_sbuf_adds(&all, t->last_pass ? t->last_pass : "");
                rbk_sbuf_add(&all, key.data + (all.len ? 1 : 0), key.len - (all.len ? 1 : 0));
                free(t->last_pass);
                t->last_pass = all.data;
            }
            rbk_sbuf_free(&key);
            if (again) break;
        }
        const char *word = ev->kind == RBK_EV_STOP_IF ? "stop-if" : "expect";
        const char *st = !strcmp(ev->status, "passed") ? "ok" : !strcmp(ev->status, "clear") ? "clear" : !strcmp(ev->status, "failed") ? "FAILED" : !strcmp(ev->status, "stopped") ? "STOP" : ev->status;
        /* the message too when it passed (README.md, docs/cli.md): it says what was checked;
         * an unverified one says what it may depend on */
        int unv = !strcmp(ev->status, "unverified");
        rbk_sbuf_printf(o, "  %s%-6s%s %s %s%s%s\n", bad ? C(t, "1;31") : unv ? C(t, "33") : C(t, "32"), st, C(t, "0"), word, ev->source,
                        ev->text ? " — " : "", ev->text ? ev->text : "");
        if (bad)
            for (int i = 0; i < ev->nvalues; i++) {
                const rbk_event_value *v = &ev->values[i];
                if (v->error) rbk_sbuf_printf(o, "           %s = error: %s\n", v->expr, v->error);
                else rbk_sbuf_printf(o, "           %s = %s\n", v->expr, v->value ? v->value : "(not evaluated)");
            }
        break;
    }
    case RBK_EV_FAIL: {
        const char *what = ev->status && !strcmp(ev->status, "stopped") ? "stopped" : "error";
        if (ev->file) {
            rbk_sbuf_printf(o, "%s%s:%d:%d: %s%s:%s %s\n", C(t, "1"), ev->file, ev->line, ev->col, !strcmp(what, "error") ? C(t, "1;31") : C(t, "1;33"), what, C(t, "0"), ev->text);
            caret(t, ev, o);
        } else {
            rbk_sbuf_printf(o, "%s: %s\n", what, ev->text);
        }
        break;
    }
    case RBK_EV_LOG: indent_lines(o, "  log    ", ev->text ? ev->text : ""); break;
    case RBK_EV_WAIT:
        /* wait(), a watch window (effect "watch"), an approval request (effect "approve": its
         * prompt shows it; this line only when a resume kept its deadline) */
        if (ev->effect && !strcmp(ev->effect, "approve") && !ev->text) break;
        dur(&d, ev->duration_ms);
        rbk_sbuf_printf(o, "  %-6s %s%s%s%s%s%s\n", ev->effect ? ev->effect : "wait", rbk_sbuf_cstr(&d), ev->detail ? " (" : "",
                        ev->detail ? ev->detail : "", /* --time-scale, what is left */
                        ev->detail ? ")" : "", ev->text ? " — " : "", ev->text ? ev->text : "");
        break;
    case RBK_EV_POLL:
        if (t->verbose) {
            dur(&d, ev->remaining_ms);
            rbk_sbuf_printf(o, "  ...    %s left; last: %s\n", rbk_sbuf_cstr(&d), ev->text ? ev->text : "");
        }
        break;
    case RBK_EV_EFFECT_START:
        if (ev->effect && !strcmp(ev->effect, "dry-run")) rbk_sbuf_printf(o, "  %swould%s %s\n", C(t, "36"), C(t, "0"), ev->target);
        else if (t->verbose) rbk_sbuf_printf(o, "  %-6s %s\n", ev->effect, ev->target);
        break;
    case RBK_EV_EFFECT_END:
        if (t->verbose && ev->status && strcmp(ev->status, "skipped")) {
            dur(&d, ev->duration_ms);
            rbk_sbuf_printf(o, "         -> %s (code %d, %s)\n", ev->status, ev->code, rbk_sbuf_cstr(&d));
        }
        break;
    case RBK_EV_OUTPUT: rbk_sbuf_printf(o, "  %s | %s\n", ev->stream && !strcmp(ev->stream, "stderr") ? "err" : "out", ev->text); break;
    case RBK_EV_GATE: rbk_sbuf_printf(o, "  gate   %s -> %s (by %s)\n", ev->text, ev->answer ? ev->answer : "", ev->who ? ev->who : "?"); break;
    case RBK_EV_ROLLBACK_START: rbk_sbuf_printf(o, "%srollback%s %s\n", C(t, "33"), C(t, "0"), ev->step_name); break;
    case RBK_EV_ROLLBACK_END: {
        const char *s = ev->status;
        if (!strcmp(s, "ok")) { dur(&d, ev->duration_ms); rbk_sbuf_printf(o, "rollback %sok%s %s (%s)\n", C(t, "32"), C(t, "0"), ev->step_name, rbk_sbuf_cstr(&d)); }
        else if (!strcmp(s, "none")) rbk_sbuf_printf(o, "rollback none %s: %s\n", ev->step_name, ev->text ? ev->text : "");
        else if (!strcmp(s, "failed")) rbk_sbuf_printf(o, "rollback %sFAILED%s %s\n", C(t, "1;31"), C(t, "0"), ev->step_name);
        else rbk_sbuf_printf(o, "rollback %s%s%s %s: %s\n", C(t, "1;33"), !strcmp(s, "blocked") ? "BLOCKED" : "NOT RUN", C(t, "0"), ev->step_name, ev->text ? ev->text : "");
        break;
    }
    case RBK_EV_POINT_OF_NO_RETURN:
        rbk_sbuf_printf(o, "  %spoint of no return%s: \"%s\" is irreversible%s%s\n", C(t, "1;33"), C(t, "0"), ev->step_name,
                        ev->text && *ev->text ? " — " : "", ev->text ? ev->text : "");
        break;
    case RBK_EV_NOTE: indent_lines(o, "  note   ", ev->text ? ev->text : ""); break;
    case RBK_EV_RUN_END: {
        dur(&d, ev->duration_ms);
        const char *verdict = ev->code == 0 ? "GO" : "NO-GO";
        rbk_sbuf_printf(o, "%s== %s%s: ", C(t, "1"), ev->code == 0 ? C(t, "1;32") : C(t, "1;31"), verdict);
        rbk_sbuf_adds(o, C(t, "0"));
        switch (ev->code) {
        case 0: rbk_sbuf_printf(o, "%d ok, %d skipped", t->steps_ok, t->steps_skipped); break;
        case 1: rbk_sbuf_printf(o, "%s; rollback completed (%d rolled back)", t->first_failure ? t->first_failure : "the run failed", t->rollbacks_ok); break;
        case 2: rbk_sbuf_printf(o, "%s; nothing else ran, nothing rolled back", t->first_failure ? t->first_failure : "stopped"); break;
        case 3: rbk_sbuf_printf(o, "%s; NOT FULLY RESTORED (%d rolled back, %d failed, %d not run)", t->first_failure ? t->first_failure : "the run failed",
                                t->rollbacks_ok, t->rollbacks_failed, t->rollbacks_not_run); break;
        case 4: rbk_sbuf_adds(o, "interrupted"); break;
        default: break;
        }
        if (ev->dry_run) /* the dry run's findings: docs/cli.md, "Dry runs" */
            rbk_sbuf_printf(o, " — dry run: %d check%s verified, %d unverified, %d already fail%s", ev->checks_verified,
                            ev->checks_verified == 1 ? "" : "s", ev->checks_unverified, ev->checks_failing,
                            ev->checks_failing == 1 ? "s" : "");
        if (ev->dry_run && ev->code != 0 && t->fail_at) rbk_sbuf_printf(o, " (%s)", t->fail_at);
        rbk_sbuf_printf(o, " — %s, exit %d\n", rbk_sbuf_cstr(&d), ev->code);
        break;
    }
    default: break;
    }
    rbk_sbuf_free(&d);
}

/* ---------------------------------------------------------------- the live face */
static void set_str(char **dst, const char *s) {
    free(*dst);
    *dst = s ? strdup(s) : NULL;
}

static size_t cps(const char *s) { /* code points: the display width, near enough */
    size_t k = 0;
    for (; *s; s++) k += ((unsigned char)*s & 0xC0) != 0x80;
    return k;
}

/* Cuts s to at most n code points (ending in "…" / "~" when cut). */
static void fit(rbk_sbuf *s, size_t n, int utf8) {
    if (cps(rbk_sbuf_cstr(s)) <= n) return;
    size_t keep = n ? n - 1 : 0, i = 0, k = 0;
    while (i < s->len && k < keep) {
        i++;
        while (i < s->len && ((unsigned char)s->data[i] & 0xC0) == 0x80) i++;
        k++;
    }
    s->len = i;
    s->data[i] = 0;
    if (n) rbk_sbuf_adds(s, utf8 ? "…" : "~");
}

static int term_cols(rbk_term *t) {
    struct winsize ws;
    if (ioctl(fileno(t->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20) return ws.ws_col;
    return 80;
}

static void fmt_elapsed(rbk_sbuf *b, int64_t ms) {
    if (ms < 0) ms = 0;
    if (ms < 60000) rbk_sbuf_printf(b, "%" PRId64 ".%" PRId64 "s", ms / 1000, ms / 100 % 10);
    else if (ms < 3600000) rbk_sbuf_printf(b, "%" PRId64 "m %02" PRId64 "s", ms / 60000, ms / 1000 % 60);
    else rbk_sbuf_printf(b, "%" PRId64 "h %02" PRId64 "m", ms / 3600000, ms / 60000 % 60);
}

static void fmt_left(rbk_sbuf *b, int64_t ms) {
    char s[24];
    rbk_tty_fmt_left(ms, s);
    rbk_sbuf_adds(b, s);
}

/* Clears the status line (mu held). */
static void clear_status(rbk_term *t) {
    if (!t->shown) return;
    fputs("\r\033[K", t->out);
    t->shown = 0;
}

/* Draws the status line (mu held): [3/12] Step ⠋ 4.2s · wait 26s left of 30s. 1 when drawn. */
static int draw_status(rbk_term *t) {
    if (!t->live || t->paused || (!t->in_step && !t->rolling_back)) return 0;
    static const char *braille[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
    static const char *ascii[] = {"|", "/", "-", "\\"};
    const char *dot = t->utf8 ? " · " : " - ";
    int64_t now = rbk_now_ms();
    rbk_sbuf name = RBK_SBUF_INIT, right = RBK_SBUF_INIT;
    if (t->rolling_back) rbk_sbuf_printf(&name, "rollback %s", t->step_name ? t->step_name : "");
    else rbk_sbuf_printf(&name, "[%d/%d] %s%s", t->step_no, t->nsteps, t->step_name ? t->step_name : "", t->attempt > 1 ? " (again)" : "");
    fmt_elapsed(&right, now - t->step_t0);
    if (t->wait_end > now) {
        rbk_sbuf_adds(&right, dot);
        rbk_sbuf_adds(&right, "wait ");
        fmt_left(&right, t->wait_end - now);
        rbk_sbuf_adds(&right, " left of ");
        rbk_duration_fmt(&right, t->wait_total);
    } else if (t->poll_end > now) {
        rbk_sbuf_adds(&right, dot);
        fmt_left(&right, t->poll_end - now);
        rbk_sbuf_adds(&right, " left");
        if (t->poll_text && *t->poll_text) {
            int plain = !strcmp(t->poll_text, "watching") || !strcmp(t->poll_text, "waiting");
            rbk_sbuf_printf(&right, "%s%s%s", dot, plain ? "" : "last: ", t->poll_text);
        }
    }
    size_t cols = (size_t)term_cols(t) - 1, rw = cps(rbk_sbuf_cstr(&right));
    if (rw + 12 > cols) { fit(&right, cols > 24 ? cols - 24 : 4, t->utf8); rw = cps(rbk_sbuf_cstr(&right)); }
    fit(&name, cols - rw - 3, t->utf8); /* name, " ", spinner, " ", right */
    fprintf(t->out, "\r\033[K%s%s%s %s%s%s %s%s%s", C(t, "1"), rbk_sbuf_cstr(&name), C(t, "0"), C(t, "36"),
            t->utf8 ? braille[t->frame % 10] : ascii[t->frame % 4], C(t, "0"), C(t, "2"), rbk_sbuf_cstr(&right), C(t, "0"));
    t->shown = 1;
    rbk_sbuf_free(&name);
    rbk_sbuf_free(&right);
    return 1;
}

static void *ticker(void *arg) {
    rbk_term *t = arg;
    pthread_mutex_lock(&t->mu);
    while (!t->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&t->wake, &t->mu, &ts);
        if (t->stopping) break;
        t->frame++;
        if (draw_status(t)) fflush(t->out);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Starts the status thread with every signal blocked in it: signals go to the run's thread,
 * whose blocking calls they must interrupt. */
static void start_ticker(rbk_term *t) {
    if (!t->live || t->thread_on) return;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    t->stopping = 0;
    t->thread_on = pthread_create(&t->thread, NULL, ticker, t) == 0; /* without it: no spinner, same lines */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void rbk_term_stop(rbk_term *t) {
    if (t->thread_on) {
        pthread_mutex_lock(&t->mu);
        t->stopping = 1;
        pthread_cond_signal(&t->wake);
        pthread_mutex_unlock(&t->mu);
        pthread_join(t->thread, NULL);
        t->thread_on = 0;
    }
    pthread_mutex_lock(&t->mu);
    t->in_step = t->rolling_back = 0;
    clear_status(t);
    fflush(t->out);
    pthread_mutex_unlock(&t->mu);
}

void rbk_term_pause(rbk_term *t) {
    pthread_mutex_lock(&t->mu);
    t->paused = 1;
    clear_status(t);
    fflush(t->out);
    pthread_mutex_unlock(&t->mu);
}

void rbk_term_resume(rbk_term *t) {
    pthread_mutex_lock(&t->mu);
    t->paused = 0;
    draw_status(t);
    fflush(t->out);
    pthread_mutex_unlock(&t->mu);
}

/* ✓ [3/12] Name (4.2s) — the line a step leaves on the screen */
static void step_end_line(rbk_term *t, const rbk_event *ev, rbk_sbuf *o) {
    const char *s = ev->status;
    rbk_sbuf d = RBK_SBUF_INIT;
    dur(&d, ev->duration_ms);
    if (!strcmp(s, "ok") && ev->text) /* not run in this run (resume): why it counts as done */
        rbk_sbuf_printf(o, "%s%s%s [%d/%d] %s %s— %s%s\n", C(t, "1;32"), t->utf8 ? "✓" : "+", C(t, "0"), ev->code, ev->nsteps, ev->step_name,
                        C(t, "2"), ev->text, C(t, "0"));
    else if (!strcmp(s, "ok"))
        rbk_sbuf_printf(o, "%s%s%s [%d/%d] %s %s(%s)%s\n", C(t, "1;32"), t->utf8 ? "✓" : "+", C(t, "0"), ev->code, ev->nsteps, ev->step_name,
                        C(t, "2"), rbk_sbuf_cstr(&d), C(t, "0"));
    else if (!strcmp(s, "skipped"))
        rbk_sbuf_printf(o, "%s- [%d/%d] %s skipped: %s%s\n", C(t, "2"), ev->code, ev->nsteps, ev->step_name, ev->text ? ev->text : "", C(t, "0"));
    else
        rbk_sbuf_printf(o, "%s%s [%d/%d] %s %s%s (%s)\n", C(t, "1;31"), t->utf8 ? "✗" : "x", ev->code, ev->nsteps, ev->step_name,
                        !strcmp(s, "failed") ? "FAILED" : !strcmp(s, "stopped") ? "STOPPED" : "INTERRUPTED", C(t, "0"), rbk_sbuf_cstr(&d));
    rbk_sbuf_free(&d);
}

/* the second summary line: steps 3 ok · 1 failed · 0 skipped · 2 not run   rollbacks ... */
static void summary_line(rbk_term *t, rbk_sbuf *o) {
    const char *dot = t->utf8 ? " · " : ", ";
    int ran = t->steps_ok + t->steps_failed + t->steps_skipped + t->steps_stopped;
    rbk_sbuf_printf(o, "   steps: %d ok%s%d failed%s%d skipped", t->steps_ok, dot, t->steps_failed, dot, t->steps_skipped);
    if (t->steps_stopped) rbk_sbuf_printf(o, "%s%d stopped", dot, t->steps_stopped);
    if (t->nsteps > ran) rbk_sbuf_printf(o, "%s%d not run", dot, t->nsteps - ran);
    int rb = t->rollbacks_ok + t->rollbacks_failed + t->rollbacks_not_run;
    if (rb) rbk_sbuf_printf(o, "   rollbacks: %d ok%s%d failed%s%d not run", t->rollbacks_ok, dot, t->rollbacks_failed, dot, t->rollbacks_not_run);
    else rbk_sbuf_adds(o, "   rollbacks: none run");
    rbk_sbuf_addc(o, '\n');
}

/* Puts "[3/12] Name" before o, once per step, when the step shows something. */
static void step_header(rbk_term *t, rbk_sbuf *o) {
    if (!t->in_step || t->header_shown) return;
    rbk_sbuf h = RBK_SBUF_INIT;
    rbk_sbuf_printf(&h, "%s[%d/%d] %s%s%s\n", C(t, "1"), t->step_no, t->nsteps, t->step_name ? t->step_name : "",
                    t->attempt > 1 ? " (again)" : "", C(t, "0"));
    rbk_sbuf_add(&h, o->data, o->len);
    rbk_sbuf_reset(o);
    rbk_sbuf_add(o, h.data, h.len);
    rbk_sbuf_free(&h);
    t->header_shown = 1;
}

/* Updates the live state for ev and appends what stays on the screen (mu held). */
static void render_live(rbk_term *t, const rbk_event *ev, rbk_sbuf *o) {
    int64_t now = rbk_now_ms();
    switch (ev->kind) {
    case RBK_EV_RUN_START: start_ticker(t); render_plain(t, ev, o); break;
    case RBK_EV_STEP_START:
        t->in_step = 1;
        t->header_shown = 0;
        t->step_no = ev->code;
        t->attempt = ev->attempt;
        t->step_t0 = now;
        t->wait_end = t->poll_end = 0;
        set_str(&t->step_name, ev->step_name);
        break;
    case RBK_EV_STEP_END:
        t->in_step = 0;
        step_end_line(t, ev, o);
        break;
    case RBK_EV_WAIT:
        if (ev->effect) { render_plain(t, ev, o); break; } /* a watch shows its polls, an approval its prompt */
        t->wait_end = now + ev->remaining_ms;
        t->wait_total = ev->remaining_ms > 0 ? ev->remaining_ms : ev->duration_ms; /* the real time (--time-scale) */
        render_plain(t, ev, o);
        break;
    case RBK_EV_POLL: {
        if (t->wait_end > now) { t->wait_end = now + ev->remaining_ms; break; }
        t->poll_end = now + ev->remaining_ms;
        set_str(&t->poll_text, ev->text);
        for (char *p = t->poll_text; p && *p; p++)
            if (*p == '\n' || *p == '\r' || *p == '\t') *p = ' ';
        break;
    }
    case RBK_EV_EFFECT_END: /* the command that had the terminal gives it back */
        if (t->tty_cmd) t->tty_cmd = t->paused = 0;
        render_plain(t, ev, o);
        break;
    case RBK_EV_PROMPT: /* the question appears under its step's header */
        step_header(t, o);
        t->paused = 1;
        t->tty_cmd = ev->detail && !strcmp(ev->detail, RBK_PROMPT_TERMINAL);
        break;
    case RBK_EV_GATE: t->paused = 0; render_plain(t, ev, o); break;
    case RBK_EV_ROLLBACK_START:
        t->rolling_back = 1;
        t->step_t0 = now;
        t->wait_end = t->poll_end = 0;
        set_str(&t->step_name, ev->step_name);
        render_plain(t, ev, o);
        break;
    case RBK_EV_ROLLBACK_END: t->rolling_back = 0; render_plain(t, ev, o); break;
    case RBK_EV_RUN_END:
        t->in_step = t->rolling_back = 0;
        rbk_sbuf_addc(o, '\n');
        render_plain(t, ev, o);
        summary_line(t, o);
        break;
    default: render_plain(t, ev, o); break;
    }
    if (o->len && ev->kind != RBK_EV_STEP_END) step_header(t, o); /* a step's lines appear under its header */
}

/* An event whose every string is cleaned for a terminal (rbk_text_clean_term): the one place
 * the text face takes text in, so no producer can forget it. */
typedef struct clean_event {
    rbk_event ev;
    char *s[20];
    int n;
    rbk_event_value *vals;
} clean_event;

static const char *clean_str(clean_event *c, const char *s) {
    if (!s) return NULL;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_text_clean_term(&b, s, strlen(s));
    char *r = rbk_sbuf_detach(&b);
    if (c->n < 20) c->s[c->n++] = r;
    return r;
}
static void clean_event_init(clean_event *c, const rbk_event *ev) {
    memset(c, 0, sizeof *c);
    c->ev = *ev;
    rbk_event *e = &c->ev;
#define CL(f) e->f = clean_str(c, ev->f);
    CL(step_name) CL(instance) CL(status) CL(text) CL(detail) CL(file) CL(source_line) CL(source) CL(effect) CL(target)
    CL(out) CL(err) CL(stream) CL(answer) CL(who)
#undef CL
    if (e->instance) e->step_name = e->instance; /* an instance is shown by its own name */
    if (ev->nvalues > 0) {
        c->vals = rbk_xcalloc((size_t)ev->nvalues, sizeof *c->vals);
        for (int i = 0; i < ev->nvalues; i++) {
            rbk_sbuf b = RBK_SBUF_INIT;
            if (ev->values[i].expr) { rbk_text_clean_term(&b, ev->values[i].expr, strlen(ev->values[i].expr)); c->vals[i].expr = rbk_sbuf_detach(&b); }
            if (ev->values[i].value) { rbk_text_clean_term(&b, ev->values[i].value, strlen(ev->values[i].value)); c->vals[i].value = rbk_sbuf_detach(&b); }
            if (ev->values[i].error) { rbk_text_clean_term(&b, ev->values[i].error, strlen(ev->values[i].error)); c->vals[i].error = rbk_sbuf_detach(&b); }
        }
        e->values = c->vals;
    }
}
static void clean_event_free(clean_event *c) {
    for (int i = 0; i < c->n; i++) free(c->s[i]);
    for (int i = 0; c->vals && i < c->ev.nvalues; i++) {
        free((char *)c->vals[i].expr);
        free((char *)c->vals[i].value);
        free((char *)c->vals[i].error);
    }
    free(c->vals);
}

/* The lines of an instance's event that are not its own start and end ("ok expect ...", a
 * command's output) name the instance: instances of a batch run at the same time, and their
 * lines interleave. "  ok     expect x" becomes "[web-1]   ok     expect x"; an error keeps its
 * `file:line:col: error:` form, with a line under it naming the instance. */
static void instance_prefix(const rbk_event *ev, rbk_sbuf *o) {
    if (!ev->instance || !o->len || ev->kind == RBK_EV_STEP_START || ev->kind == RBK_EV_STEP_END ||
        ev->kind == RBK_EV_ROLLBACK_START || ev->kind == RBK_EV_ROLLBACK_END)
        return;
    if (ev->kind == RBK_EV_FAIL && ev->file) {
        /* a diagnostic keeps its `file:line:col: error:` form (editors and CI read it): the
         * instance is a line of its own under it, as a hint is */
        if (o->data[o->len - 1] != '\n') rbk_sbuf_addc(o, '\n');
        rbk_sbuf_printf(o, "      = in instance \"%s\"\n", ev->instance);
        return;
    }
    rbk_sbuf r = RBK_SBUF_INIT;
    size_t i = 0;
    while (i < o->len) {
        size_t e = i;
        while (e < o->len && o->data[e] != '\n') e++;
        if (e > i) rbk_sbuf_printf(&r, "[%s] ", ev->instance); /* before the indentation: carets stay aligned */
        rbk_sbuf_add(&r, o->data + i, e - i);
        if (e < o->len) rbk_sbuf_addc(&r, '\n');
        i = e + 1;
    }
    rbk_sbuf_reset(o);
    rbk_sbuf_add(o, r.data, r.len);
    rbk_sbuf_free(&r);
}

void rbk_term_sink(void *ctx, const rbk_event *raw) {
    rbk_term *t = ctx;
    clean_event ce;
    clean_event_init(&ce, raw);
    const rbk_event *ev = &ce.ev;
    rbk_sbuf o = RBK_SBUF_INIT;
    if (!t->live) {
        account(t, ev);
        render_plain(t, ev, &o);
        instance_prefix(ev, &o);
        if (o.len) fwrite(o.data, 1, o.len, t->out);
        fflush(t->out);
        rbk_sbuf_free(&o);
        clean_event_free(&ce);
        return;
    }
    pthread_mutex_lock(&t->mu);
    account(t, ev);
    clear_status(t);
    render_live(t, ev, &o);
    instance_prefix(ev, &o);
    if (o.len) fwrite(o.data, 1, o.len, t->out);
    draw_status(t);
    fflush(t->out);
    pthread_mutex_unlock(&t->mu);
    rbk_sbuf_free(&o);
    if (ev->kind == RBK_EV_RUN_END) rbk_term_stop(t);
    clean_event_free(&ce);
}

/* A string of the JSON log, when there is one: valid UTF-8, controls escaped (the writer's
 * escaper is rbk_text_json_str). */
static void jstr(rbk_jw *w, const char *key, const char *v) {
    if (v) rbk_jw_str(w, key, v);
}

/* A command's output or a body in the JSON log: the event holds all of it (masked); the log
 * keeps the first and the last RBK_JSONL_STREAM_MAX / 2 bytes around a line saying how many
 * were cut. Cut after the VM masked the whole text, so no part of a secret is left. */
#define RBK_JSONL_STREAM_MAX (64 * 1024)
static void jstream(rbk_jw *w, const char *key, const char *v) {
    if (!v) return;
    size_t n = strlen(v);
    if (n <= RBK_JSONL_STREAM_MAX) { jstr(w, key, v); return; }
    size_t h = RBK_JSONL_STREAM_MAX / 2, t = n - RBK_JSONL_STREAM_MAX / 2;
    while (h > 0 && ((unsigned char)v[h] & 0xC0) == 0x80) h--;
    while (t < n && ((unsigned char)v[t] & 0xC0) == 0x80) t++;
    rbk_sbuf s = RBK_SBUF_INIT;
    rbk_sbuf_add(&s, v, h);
    rbk_sbuf_printf(&s, "\n[... %zu bytes cut ...]\n", t - h);
    rbk_sbuf_add(&s, v + t, n - t);
    jstr(w, key, rbk_sbuf_cstr(&s));
    rbk_sbuf_free(&s);
}
void rbk_jsonl_sink(void *ctx, const rbk_event *ev) {
    FILE *o = ctx;
    rbk_sbuf b = RBK_SBUF_INIT;
    rbk_jw W, *w = &W;
    rbk_jw_init(w, &b, 0, rbk_text_json_str);
    rbk_jw_open(w, NULL, '{');
    rbk_jw_str(w, "event", rbk_event_kind_name(ev->kind));
    rbk_jw_int(w, "t_ms", ev->t_ms);
    rbk_jw_int(w, "wall_ms", ev->wall_ms);
    if (ev->step >= 0) rbk_jw_int(w, "step", ev->step);
    if (ev->attempt) rbk_jw_int(w, "attempt", ev->attempt);
    jstr(w, "step_name", ev->step_name);
    jstr(w, "instance", ev->instance);
    jstr(w, "status", ev->status);
    jstr(w, "text", ev->text);
    jstr(w, "detail", ev->detail);
    jstr(w, "source", ev->source);
    if (ev->file) { jstr(w, "file", ev->file); rbk_jw_int(w, "line", ev->line); rbk_jw_int(w, "column", ev->col); }
    if (ev->kind == RBK_EV_STEP_END || ev->kind == RBK_EV_RUN_END || ev->kind == RBK_EV_EFFECT_END || ev->kind == RBK_EV_ROLLBACK_END || ev->kind == RBK_EV_WAIT)
        rbk_jw_int(w, "duration_ms", ev->duration_ms);
    if (ev->kind == RBK_EV_POLL || ev->kind == RBK_EV_WAIT) rbk_jw_int(w, "remaining_ms", ev->remaining_ms);
    if (ev->kind == RBK_EV_RUN_END || ev->kind == RBK_EV_EFFECT_END) rbk_jw_int(w, "code", ev->code);
    if (ev->kind == RBK_EV_RUN_START) rbk_jw_int(w, "steps", ev->nsteps);
    if (ev->kind == RBK_EV_RUN_END) {
        rbk_jw_open(w, "checks", '{');
        rbk_jw_int(w, "verified", ev->checks_verified);
        rbk_jw_int(w, "unverified", ev->checks_unverified);
        rbk_jw_int(w, "failing", ev->checks_failing);
        rbk_jw_close(w, '}');
    }
    if (ev->nvalues) {
        rbk_jw_open(w, "values", '[');
        for (int i = 0; i < ev->nvalues; i++) {
            rbk_jw_open(w, NULL, '{');
            rbk_jw_str(w, "expr", ev->values[i].expr);
            rbk_jw_str(w, "value", ev->values[i].value); /* NULL: null */
            jstr(w, "error", ev->values[i].error);
            rbk_jw_close(w, '}');
        }
        rbk_jw_close(w, ']');
    }
    if (ev->effect_id) rbk_jw_uint(w, "effect_id", ev->effect_id);
    jstr(w, "effect", ev->effect);
    jstr(w, "target", ev->target);
    jstream(w, "stdout", ev->out);
    jstream(w, "stderr", ev->err);
    jstr(w, "stream", ev->stream);
    jstr(w, "answer", ev->answer);
    jstr(w, "who", ev->who);
    if (ev->dry_run) rbk_jw_bool(w, "dry_run", 1);
    if (ev->time_scale > 1) { /* RUN_START, RUN_END: a rehearsal in compressed time */
        rbk_sbuf r = RBK_SBUF_INIT;
        rbk_sbuf_adds(&r, "time scaled ");
        rbk_time_scale_fmt(&r, ev->time_scale);
        rbk_jw_num(w, "time_scale", ev->time_scale);
        rbk_jw_str(w, "rehearsal", rbk_sbuf_cstr(&r));
        rbk_sbuf_free(&r);
    }
    rbk_jw_close(w, '}');
    rbk_sbuf_addc(&b, '\n');
    fwrite(b.data, 1, b.len, o);
    fflush(o);
    rbk_sbuf_free(&b);
}
