/* tests/fleet/inv_dump.c — prints what inventory/inventory.c made of the inventories on the
 * command line, as JSON, for tests/fleet/inventory_vs_ansible.py to compare with
 * `ansible-inventory --list`: {"hostvars": {HOST: {KEY: [TEXT, IS_JSON]}},
 * "groups": {GROUP: {"hosts": [direct...], "all": [direct and through children...]}}}.
 * On an error: the message on stderr, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventory/inventory.h"

int main(int argc, char **argv) {
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT, out = RBK_SBUF_INIT;
    for (int i = 1; i < argc; i++)
        if (rbk_inv_load(&inv, argv[i], &err)) goto fail;
    if (rbk_inv_resolve(&inv, &err)) goto fail;
    rbk_sbuf_adds(&out, "{\"hostvars\": {");
    for (size_t h = 0; h < inv.nhosts; h++) {
        if (h) rbk_sbuf_adds(&out, ", ");
        rbk_sbuf_add_json_str(&out, inv.hosts[h].name, strlen(inv.hosts[h].name));
        rbk_sbuf_adds(&out, ": {");
        for (size_t i = 0; i < inv.hosts[h].resolved.n; i++) {
            const rbk_inv_var *v = &inv.hosts[h].resolved.v[i];
            if (i) rbk_sbuf_adds(&out, ", ");
            rbk_sbuf_add_json_str(&out, v->key, strlen(v->key));
            rbk_sbuf_adds(&out, ": [");
            rbk_sbuf_add_json_str(&out, v->value, strlen(v->value));
            rbk_sbuf_printf(&out, ", %d]", v->json);
        }
        rbk_sbuf_adds(&out, "}");
    }
    rbk_sbuf_adds(&out, "}, \"groups\": {");
    for (size_t g = 0; g < inv.ngroups; g++) {
        const rbk_inv_group *gr = &inv.groups[g];
        if (g) rbk_sbuf_adds(&out, ", ");
        rbk_sbuf_add_json_str(&out, gr->name, strlen(gr->name));
        rbk_sbuf_adds(&out, ": {\"hosts\": [");
        for (size_t i = 0; i < gr->nhosts; i++) {
            const char *n = inv.hosts[gr->hosts[i]].name;
            if (i) rbk_sbuf_adds(&out, ", ");
            rbk_sbuf_add_json_str(&out, n, strlen(n));
        }
        rbk_sbuf_adds(&out, "], \"all\": [");
        for (size_t i = 0; i < gr->nall_hosts; i++) {
            const char *n = inv.hosts[gr->all_hosts[i]].name;
            if (i) rbk_sbuf_adds(&out, ", ");
            rbk_sbuf_add_json_str(&out, n, strlen(n));
        }
        rbk_sbuf_adds(&out, "]}");
    }
    rbk_sbuf_adds(&out, "}}\n");
    fputs(out.data, stdout);
    rbk_sbuf_free(&out);
    rbk_inv_free(&inv);
    return 0;
fail:
    fprintf(stderr, "%s\n", err.data);
    rbk_sbuf_free(&err);
    rbk_inv_free(&inv);
    return 1;
}
