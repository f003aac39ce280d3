/* support/fleet.h — the run's fleet (issue 16, docs/fleet.md): the hosts of the inventories
 * given with `runbook run --inventory`, as the VM (hosts.NAME, the preflight) and the remote
 * runner (stdlib/remote.c: sh/exec with `on:`) read them. Plain C: cli/ builds it from
 * inventory/ (rbk_inv_fleet), so vm/ and stdlib/ need no inventory parser.
 * A host is named by its inventory name; everything about how to reach it (address, port,
 * user, key, client arguments) comes from here and never from a value of the runbook, so a
 * map the runbook builds cannot redirect a connection (rbk_fleet_find by name only). */
#ifndef RBK_FLEET_H
#define RBK_FLEET_H
#include <stddef.h>
#include "sshcmd.h"

/* --forks default (docs/fleet.md "How many at once", benchmarks.md): at 100 hosts on 2 CPUs the
 * cold run was fastest at 100 in three runs of the benchmark (16, 32 and 64 slower or equal:
 * the same CPU time, a smaller share of busy CPUs); 100 still bounds the local processes */
#define RBK_FLEET_FORKS_DEFAULT 100
#define RBK_FLEET_FORKS_MAX 1024

typedef struct rbk_fleet_var {
    char *key, *value;
    int json;                 /* value is JSON text (a list or a map in a YAML inventory) */
} rbk_fleet_var;

typedef struct rbk_fleet_host {
    char *name;
    rbk_ssh_target target;    /* its strings point into the fields below and the fleet's */
    char *address, *port, *user, *identity;
    char **extra;             /* ansible_ssh_common_args split as shlex does, NULL-terminated */
    rbk_fleet_var *vars;      /* every inventory variable that applies to it (resolved) */
    size_t nvars;
    int master;               /* a ControlMaster may run for it (the preflight's, or a call's) */
    int shell_other;          /* ansible_shell_type is set and not sh (target.shell_other) */
} rbk_fleet_host;

typedef struct rbk_fleet_group {
    char *name;
    size_t *hosts;            /* indices into hosts, in the inventory's order */
    size_t n;
} rbk_fleet_group;

typedef struct rbk_fleet {
    rbk_fleet_host *hosts;
    size_t nhosts;
    rbk_fleet_group *groups;
    size_t ngroups;
    char *ssh_config;         /* --ssh-config (ssh -F), or NULL */
    char *control_dir;        /* the run's private ControlMaster directory (0700), or NULL */
    int forks;                /* bound on parallel connections */
    size_t *index, index_cap; /* private: host name -> index + 1 */
} rbk_fleet;

/* Finishes a fleet whose hosts and groups are filled: points each target at its fields and
 * builds the name index. */
void rbk_fleet_ready(rbk_fleet *f);
/* The host named name, or NULL. */
const rbk_fleet_host *rbk_fleet_find(const rbk_fleet *f, const char *name);
const rbk_fleet_group *rbk_fleet_group_find(const rbk_fleet *f, const char *name);
void rbk_fleet_free(rbk_fleet *f);
#endif
