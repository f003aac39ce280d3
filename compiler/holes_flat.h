/* compiler/holes_flat.h — what the context trackers of compiler/holes_*.c share (holes.h is
 * the contract): a literal's pieces as one text with the holes at offsets in it, and the
 * verdict that refuses a hole. Internal to the trackers; static inline so that each tracker
 * compiles as it did when they were one file.
 * Shares invariants with: compiler/holes.h (rbk_piece, rbk_hole). */
#ifndef RBK_HOLES_FLAT_H
#define RBK_HOLES_FLAT_H
#include <stdlib.h>
#include <string.h>
#include "../support/sbuf.h"
#include "holes.h"

/* h emptied, with nholes zeroed verdicts for the tracker to fill (never a NULL array). */
static inline void holes_start(rbk_holes *h, int nholes) {
    memset(h, 0, sizeof *h);
    h->nholes = nholes;
    h->holes = rbk_xcalloc((size_t)(nholes ? nholes : 1), sizeof(rbk_hole));
}
static inline void refuse(rbk_hole *h, const char *why, const char *hint) {
    h->ctx = -1;
    h->why = why;
    h->hint = hint;
}

/* ------------------------------------------------------------------------------------------
 * The literal as one text with the holes at offsets in it. A hole at offset x stands before
 * t[x]; several holes may stand at one offset. */
typedef struct flat {
    rbk_sbuf t;
    size_t *start;  /* start[i]: where piece i begins in t; start[npieces] == t.len */
    size_t *hpos;   /* where hole k stands */
    int npieces, nholes;
} flat;

static inline void flat_init(flat *fl, const rbk_piece *pieces, int nholes) {
    memset(fl, 0, sizeof *fl);
    fl->nholes = nholes;
    fl->npieces = nholes + 1;
    fl->start = rbk_xmalloc(sizeof(size_t) * (size_t)(fl->npieces + 1));
    fl->hpos = rbk_xmalloc(sizeof(size_t) * (size_t)(nholes + 1));
    for (int i = 0; i < fl->npieces; i++) {
        fl->start[i] = fl->t.len;
        rbk_sbuf_add(&fl->t, pieces[i].s, pieces[i].n);
        if (i < nholes) fl->hpos[i] = fl->t.len;
    }
    fl->start[fl->npieces] = fl->t.len;
    rbk_sbuf_cstr(&fl->t);
}
static inline void flat_free(flat *fl) {
    rbk_sbuf_free(&fl->t);
    free(fl->start);
    free(fl->hpos);
}
/* 1 when a hole stands at an offset in [a, b]; holes before index `from` are not looked at. */
static inline int hole_in(const flat *fl, int from, size_t a, size_t b) {
    for (int k = from; k < fl->nholes && fl->hpos[k] <= b; k++)
        if (fl->hpos[k] >= a) return 1;
    return 0;
}
/* The piece and offset of flat offset x: the first piece that holds it (a start: before the
 * holes there) or the last (an end: after them). */
static inline void flat_locate(const flat *fl, size_t x, int last, int *piece, size_t *off) {
    int p = 0;
    if (last) {
        for (int i = 0; i < fl->npieces; i++)
            if (fl->start[i] <= x) p = i;
    } else {
        while (p < fl->npieces - 1 && x > fl->start[p + 1]) p++;
    }
    *piece = p;
    *off = x - fl->start[p];
}

/* What a tracker's peek gives instead of a byte: a hole stands at that offset first, or the
 * offset is past the text. */
#define NONE_HOLE (-1)
#define AT_END (-2)
#endif
