/* inventory/inventory.h — Ansible inventories, read as Ansible reads them, for `hosts` groups
 * (issue 16, docs/fleet.md): `runbook run --inventory FILE` (repeatable) gives the groups a
 * runbook declares. A library on support/ alone (like import/), linked by cli/.
 *
 * Formats, by the file's extension as Ansible's plugins decide: `.yml`, `.yaml` and `.json` are
 * YAML (JSON is YAML), anything else INI.
 * - INI: `[group]` host lines (`name [k=v ...]`, tokens split as shlex does; ranges
 *   `web[01:03]`, `db-[a:c]`, strides `[1:9:2]`; `name:port` sets ansible_port), `[group:vars]`
 *   `k=v` lines, `[group:children]` group names. Hosts before any section are `ungrouped`.
 *   A value that is a quoted string literal ('x' or "x") is unquoted, as Python's literal_eval.
 * - YAML: `group: {hosts: {name: {vars}}, vars: {...}, children: {group: {...}}}` at any depth;
 *   a var whose value is a list or a mapping is kept as JSON text (json = 1).
 * Several files merge: a host or group named twice is one, later values win.
 *
 * Variables of a host are resolved as Ansible does: `all`'s vars, then its other groups' vars
 * from the shallowest to the deepest (ties by name), then its own vars; later wins.
 * Every group contains the hosts of its children; `all` contains every host; `ungrouped` the
 * hosts that are in no group but `all`. Hosts keep the order of first appearance.
 *
 * Errors: "FILE:LINE:COL: message" in err (the first error; nothing of the file is kept).
 * Limits: a file is read through support/readfile.h (regular files, at most 16 MiB);
 * a range expands to at most 100,000 hosts; children nest at most 64 levels, no cycles. */
#ifndef RBK_INVENTORY_H
#define RBK_INVENTORY_H
#include <stddef.h>
#include "support/sbuf.h"
#include "support/fleet.h"

#define RBK_INV_MAX_FILE ((size_t)16 << 20)
#define RBK_INV_MAX_RANGE 100000
#define RBK_INV_MAX_DEPTH 64

typedef struct rbk_inv_var {
    char *key;
    char *value;   /* the text; JSON text when json */
    int json;
} rbk_inv_var;

typedef struct rbk_inv_vars {
    rbk_inv_var *v;
    size_t n, cap;
} rbk_inv_vars;

typedef struct rbk_inv_host {
    char *name;
    rbk_inv_vars vars;       /* its own, as written */
    rbk_inv_vars resolved;   /* after rbk_inv_resolve: every variable that applies to it */
    char *file;              /* where it first appeared */
    int line;
} rbk_inv_host;

typedef struct rbk_inv_group {
    char *name;
    rbk_inv_vars vars;
    char **children;         /* group names */
    size_t nchildren, capchildren;
    size_t *hosts;           /* direct members (indices into hosts), in order */
    size_t nhosts, caphosts;
    size_t *all_hosts;       /* after rbk_inv_resolve: direct and through children, in order */
    size_t nall_hosts;
    int depth;               /* after rbk_inv_resolve: 0 for all, parent's + 1 */
    char *file;
    int line;
} rbk_inv_group;

typedef struct rbk_inventory {
    rbk_inv_host *hosts;
    size_t nhosts, caphosts;
    rbk_inv_group *groups;
    size_t ngroups, capgroups;
    /* private: name -> index + 1, open addressing (a fleet of 100,000 hosts loads in linear time) */
    size_t *hindex, hindex_cap;
    size_t *gindex, gindex_cap;
} rbk_inventory;

#define RBK_INVENTORY_INIT {0}

/* Reads FILE into inv (merging with what is there). 0, or -1 with "FILE:LINE:COL: message". */
int rbk_inv_load(rbk_inventory *inv, const char *path, rbk_sbuf *err);
/* The same from text in memory; name is used in messages. */
int rbk_inv_load_text(rbk_inventory *inv, const char *name, const char *text, size_t len, rbk_sbuf *err);
/* Builds all/ungrouped, group membership through children, depths and each host's resolved
 * vars. 0, or -1 (a cycle in children, nesting too deep) with the message in err. */
int rbk_inv_resolve(rbk_inventory *inv, rbk_sbuf *err);
void rbk_inv_free(rbk_inventory *inv);

const rbk_inv_group *rbk_inv_find_group(const rbk_inventory *inv, const char *name);
/* The run's fleet from a resolved inventory (support/fleet.h): every host with its connection
 * (ansible_host, ansible_port, ansible_user, ansible_ssh_private_key_file,
 * ansible_ssh_common_args split as shlex does) and resolved variables, every group with its
 * hosts. 0, or -1 with the message in err (ansible_ssh_common_args with an open quote). */
int rbk_inv_fleet(const rbk_inventory *inv, rbk_fleet *f, rbk_sbuf *err);
/* A variable of the host after rbk_inv_resolve (its resolved set), or NULL. */
const rbk_inv_var *rbk_inv_host_var(const rbk_inv_host *h, const char *key);
#endif
