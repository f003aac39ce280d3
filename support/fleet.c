/* support/fleet.c — the fleet model's lookups and lifetime (contract in fleet.h). */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

void rbk_fleet_ready(rbk_fleet *f) {
    free(f->index);
    f->index_cap = 16;
    while (f->index_cap < f->nhosts * 2) f->index_cap *= 2;
    f->index = rbk_xcalloc(f->index_cap, sizeof *f->index);
    for (size_t i = 0; i < f->nhosts; i++) {
        rbk_fleet_host *h = &f->hosts[i];
        h->target = (rbk_ssh_target){0};
        h->target.address = h->address ? h->address : h->name;
        h->target.port = h->port;
        h->target.user = h->user;
        h->target.identity = h->identity;
        h->target.shell_other = h->shell_other;
        h->target.extra = (const char *const *)h->extra;
        h->target.config = f->ssh_config;
        h->target.control_dir = f->control_dir;
        size_t m = f->index_cap - 1, j = rbk_fnv1a_str(h->name) & m;
        while (f->index[j]) j = (j + 1) & m;
        f->index[j] = i + 1;
    }
}

const rbk_fleet_host *rbk_fleet_find(const rbk_fleet *f, const char *name) {
    if (!f || !f->index) return NULL;
    size_t m = f->index_cap - 1;
    for (size_t j = rbk_fnv1a_str(name) & m; f->index[j]; j = (j + 1) & m)
        if (!strcmp(f->hosts[f->index[j] - 1].name, name)) return &f->hosts[f->index[j] - 1];
    return NULL;
}

const rbk_fleet_group *rbk_fleet_group_find(const rbk_fleet *f, const char *name) {
    for (size_t i = 0; f && i < f->ngroups; i++)
        if (!strcmp(f->groups[i].name, name)) return &f->groups[i];
    return NULL;
}

void rbk_fleet_free(rbk_fleet *f) {
    for (size_t i = 0; i < f->nhosts; i++) {
        rbk_fleet_host *h = &f->hosts[i];
        free(h->name);
        free(h->address);
        free(h->port);
        free(h->user);
        free(h->identity);
        for (size_t k = 0; h->extra && h->extra[k]; k++) free(h->extra[k]);
        free(h->extra);
        for (size_t k = 0; k < h->nvars; k++) {
            free(h->vars[k].key);
            free(h->vars[k].value);
        }
        free(h->vars);
    }
    free(f->hosts);
    for (size_t i = 0; i < f->ngroups; i++) {
        free(f->groups[i].name);
        free(f->groups[i].hosts);
    }
    free(f->groups);
    free(f->ssh_config);
    free(f->control_dir);
    free(f->index);
    memset(f, 0, sizeof *f);
}
