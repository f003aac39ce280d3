/* tests/unit/test_inventory.c — inventory/inventory.c reads Ansible's INI and YAML inventories
 * as Ansible does: groups, children, ranges, ports, quoting, variable precedence, merging of
 * several files, and an error with file:line:col for every malformed input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory/inventory.h"

static rbk_inventory load(const char *name, const char *text) {
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    if (rbk_inv_load_text(&inv, name, text, strlen(text), &err) || rbk_inv_resolve(&inv, &err))
        fail_msg("%s: unexpected error: %s", name, err.data);
    free(err.data);
    return inv;
}

static void load_fails(const char *name, const char *text, const char *want) {
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    int rc = rbk_inv_load_text(&inv, name, text, strlen(text), &err);
    if (rc == 0) rc = rbk_inv_resolve(&inv, &err);
    if (rc == 0) fail_msg("%s: accepted, wanted \"%s\"", name, want);
    if (!strstr(err.data, want)) fail_msg("%s: error \"%s\", wanted \"%s\"", name, err.data, want);
    free(err.data);
    rbk_inv_free(&inv);
}

/* "h1,h2,..." of a group's hosts, direct and through children */
static char *members(const rbk_inventory *inv, const char *group) {
    static char buf[4096];
    const rbk_inv_group *g = rbk_inv_find_group(inv, group);
    if (!g) return "(none)";
    buf[0] = 0;
    for (size_t i = 0; i < g->nall_hosts; i++) {
        if (i) strcat(buf, ",");
        strcat(buf, inv->hosts[g->all_hosts[i]].name);
    }
    return buf;
}

static const char *var(const rbk_inventory *inv, const char *host, const char *key) {
    for (size_t h = 0; h < inv->nhosts; h++)
        if (strcmp(inv->hosts[h].name, host) == 0) {
            const rbk_inv_var *v = rbk_inv_host_var(&inv->hosts[h], key);
            return v ? v->value : NULL;
        }
    fail_msg("no host %s", host);
    return NULL;
}

static void test_ini_groups(void **st) {
    (void)st;
    rbk_inventory inv = load("hosts.ini",
        "# a comment\n"
        "lonely.example.com\n"
        "; another comment\n"
        "[web]\n"
        "web1 ansible_host=10.0.0.1\n"
        "web2   ansible_host=10.0.0.2  ansible_user=deploy\n"
        "\n"
        "[db]\n"
        "db1.example.com:5309\n"
        "[prod:children]\n"
        "web\n"
        "db\n"
        "[staging]\n");
    assert_string_equal(members(&inv, "web"), "web1,web2");
    assert_string_equal(members(&inv, "prod"), "web1,web2,db1.example.com");
    assert_string_equal(members(&inv, "all"), "lonely.example.com,web1,web2,db1.example.com");
    assert_string_equal(members(&inv, "ungrouped"), "lonely.example.com");
    assert_string_equal(members(&inv, "staging"), "");
    assert_string_equal(var(&inv, "web2", "ansible_user"), "deploy");
    assert_string_equal(var(&inv, "db1.example.com", "ansible_port"), "5309");
    assert_null(rbk_inv_find_group(&inv, "nope"));
    rbk_inv_free(&inv);
}

static void test_ini_ranges(void **st) {
    (void)st;
    rbk_inventory inv = load("r.ini",
        "[w]\n"
        "www[01:03].example.com\n"
        "[x]\n"
        "db-[a:c]\n"
        "[y]\n"
        "n[1:9:4]-[a:b] role=y\n");
    assert_string_equal(members(&inv, "w"), "www01.example.com,www02.example.com,www03.example.com");
    assert_string_equal(members(&inv, "x"), "db-a,db-b,db-c");
    assert_string_equal(members(&inv, "y"), "n1-a,n1-b,n5-a,n5-b,n9-a,n9-b");
    assert_string_equal(var(&inv, "n5-b", "role"), "y");
    rbk_inv_free(&inv);
}

static void test_ini_quoting(void **st) {
    (void)st;
    rbk_inventory inv = load("q.ini",
        "[a]\n"
        "h1 ansible_ssh_common_args='-o ProxyJump=\"bastion x\"' note=\"it's\" path=/a\\ b empty=''\n"
        "[a:vars]\n"
        "ansible_ssh_private_key_file = '/keys/id ed25519'\n"
        "banner=hello  world\n"
        "eq=a=b\n");
    assert_string_equal(var(&inv, "h1", "ansible_ssh_common_args"), "-o ProxyJump=\"bastion x\"");
    assert_string_equal(var(&inv, "h1", "note"), "it's");
    assert_string_equal(var(&inv, "h1", "path"), "/a b");
    assert_string_equal(var(&inv, "h1", "empty"), "");
    assert_string_equal(var(&inv, "h1", "ansible_ssh_private_key_file"), "/keys/id ed25519");
    assert_string_equal(var(&inv, "h1", "banner"), "hello  world");
    assert_string_equal(var(&inv, "h1", "eq"), "a=b");
    rbk_inv_free(&inv);
}

/* the connection each host gets: Ansible's variables; ansible_shell_type other than sh makes the
 * remote script go base64-encoded (support/sshcmd.h, shell_other) */
static void test_fleet_targets(void **st) {
    (void)st;
    rbk_inventory inv = load("f.ini",
        "[a]\n"
        "h1 ansible_host=10.0.0.1 ansible_port=2222 ansible_user=ops\n"
        "h2 ansible_shell_type=fish\n"
        "h3 ansible_shell_type=sh\n"
        "[b]\n"
        "h4\n"
        "[b:vars]\n"
        "ansible_shell_type=csh\n");
    rbk_fleet f = {0};
    rbk_sbuf err = RBK_SBUF_INIT;
    assert_int_equal(rbk_inv_fleet(&inv, &f, &err), 0);
    rbk_fleet_ready(&f);
    const rbk_fleet_host *h1 = rbk_fleet_find(&f, "h1"), *h2 = rbk_fleet_find(&f, "h2"), *h3 = rbk_fleet_find(&f, "h3"),
                         *h4 = rbk_fleet_find(&f, "h4");
    assert_non_null(h1);
    assert_string_equal(h1->target.address, "10.0.0.1");
    assert_string_equal(h1->target.port, "2222");
    assert_string_equal(h1->target.user, "ops");
    assert_int_equal(h1->target.shell_other, 0); /* unset: sh, Ansible's default */
    assert_int_equal(h2->target.shell_other, 1);
    assert_int_equal(h3->target.shell_other, 0);
    assert_int_equal(h4->target.shell_other, 1); /* from its group */
    rbk_fleet_free(&f);
    rbk_sbuf_free(&err);
    rbk_inv_free(&inv);
}

/* all < parent group < child group (deeper wins; same depth: by name) < host */
static void test_precedence(void **st) {
    (void)st;
    rbk_inventory inv = load("p.ini",
        "[all:vars]\n"
        "v=all\nonly_all=1\n"
        "[eu]\n"
        "h1 v=host\n"
        "h2\n"
        "[eu:vars]\n"
        "v=eu\nregion=eu\n"
        "[zz]\n"
        "h2\n"
        "[zz:vars]\n"
        "v=zz\n"
        "[aa]\n"
        "h2\n"
        "[aa:vars]\n"
        "v=aa\n"
        "[world:children]\n"
        "eu\n"
        "[world:vars]\n"
        "v=world\nregion=world\n");
    assert_string_equal(var(&inv, "h1", "v"), "host");
    assert_string_equal(var(&inv, "h1", "region"), "eu");      /* eu is deeper than world */
    assert_string_equal(var(&inv, "h1", "only_all"), "1");
    /* h2: world (1), aa (1), zz (1), eu (2): eu is deepest */
    assert_string_equal(var(&inv, "h2", "v"), "eu");
    rbk_inventory inv2 = load("p2.ini",
        "[zz]\nh\n[zz:vars]\nv=zz\n[aa]\nh\n[aa:vars]\nv=aa\n");
    assert_string_equal(var(&inv2, "h", "v"), "zz"); /* same depth: by name, the later name wins */
    rbk_inv_free(&inv);
    rbk_inv_free(&inv2);
}

static void test_yaml(void **st) {
    (void)st;
    rbk_inventory inv = load("hosts.yml",
        "all:\n"
        "  vars:\n"
        "    ansible_user: ops\n"
        "  hosts:\n"
        "    bastion:\n"
        "  children:\n"
        "    web:\n"
        "      hosts:\n"
        "        web[1:2]:\n"
        "          ansible_port: 2222\n"
        "          tags: [blue, 'green']\n"
        "          limits: {cpu: 2, mem: \"4G\", on: true}\n"
        "    db:\n"
        "      hosts:\n"
        "        db1: {ansible_host: 10.1.1.1}\n"
        "      vars:\n"
        "        ansible_user: postgres\n"
        "      children:\n"
        "        replicas:\n"
        "          hosts:\n"
        "            db2:\n");
    assert_string_equal(members(&inv, "all"), "bastion,web1,web2,db1,db2");
    assert_string_equal(members(&inv, "db"), "db1,db2");
    assert_string_equal(members(&inv, "ungrouped"), "bastion");
    assert_string_equal(var(&inv, "web2", "ansible_port"), "2222");
    assert_string_equal(var(&inv, "web1", "ansible_user"), "ops");
    assert_string_equal(var(&inv, "db2", "ansible_user"), "postgres");
    assert_string_equal(var(&inv, "db1", "ansible_host"), "10.1.1.1");
    assert_string_equal(var(&inv, "web1", "tags"), "[\"blue\",\"green\"]");
    assert_string_equal(var(&inv, "web1", "limits"), "{\"cpu\":2,\"mem\":\"4G\",\"on\":true}");
    rbk_inv_free(&inv);
}

static void test_merge(void **st) {
    (void)st;
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    const char *a = "loose\n[web]\nw1 color=red\n";
    const char *b = "web:\n  hosts:\n    w1: {color: blue}\n    w2:\n    loose:\n";
    assert_int_equal(rbk_inv_load_text(&inv, "a.ini", a, strlen(a), &err), 0);
    assert_int_equal(rbk_inv_load_text(&inv, "b.yaml", b, strlen(b), &err), 0);
    assert_int_equal(rbk_inv_resolve(&inv, &err), 0);
    assert_string_equal(members(&inv, "web"), "w1,w2,loose");
    assert_string_equal(members(&inv, "ungrouped"), ""); /* b grouped it */
    assert_string_equal(var(&inv, "w1", "color"), "blue");
    /* resolving twice gives the same */
    assert_int_equal(rbk_inv_resolve(&inv, &err), 0);
    assert_string_equal(members(&inv, "all"), "loose,w1,w2");
    free(err.data);
    rbk_inv_free(&inv);
}

static void test_errors(void **st) {
    (void)st;
    load_fails("e.ini", "[web]\nh1 x='unclosed\n", "e.ini:2:6: this quote is never closed");
    load_fails("e.ini", "[web:hosts]\n", "e.ini:1:6: unknown section kind ':hosts'");
    load_fails("e.ini", "[web\n", "e.ini:1:1: a section header is");
    load_fails("e.ini", "[a b]\n", "e.ini:1:2: 'a b' is not a group name");
    load_fails("e.ini", "[w]\nweb[3:1]\n", "e.ini:2:4: a host range must not run backwards");
    load_fails("e.ini", "[w]\nweb[1-3]\n", "e.ini:2:4: a host range is [start:end]");
    load_fails("e.ini", "[w]\nweb[1:3\n", "e.ini:2:4: a host range needs a closing ']'");
    load_fails("e.ini", "[w]\nw[1:200000]\n", "expands to more than 100000 hosts");
    load_fails("e.ini", "[w]\n  h1 stray\n", "e.ini:2:6: expected key=value after the host name, not 'stray'");
    load_fails("e.ini", "[w]\nh1:x2\n", "e.ini:2:3: the port after ':' must be a number");
    load_fails("e.ini", "[w:vars]\njust words\n", "e.ini:2:1: a [w:vars] line is key=value");
    load_fails("e.ini", "[a:children]\nb\n[b:children]\na\n", "is its own descendant (a cycle in children)");
    load_fails("e.yml", "all:\n  hosts:\n    h1:\n  host:\n    h2:\n",
               "e.yml:4:3: unexpected key 'host' in group 'all' (expected hosts, vars or children)");
    load_fails("e.yml", "all:\n  hosts: [a, b]\n", "e.yml:2:10: the hosts of group 'all' must be a mapping");
    load_fails("e.yml", "all:\n  hosts:\n    h1: {a: [1, 2}\n", "e.yml:3:");
    load_fails("e.yml", "- a\n- b\n", "e.yml:1:1: an inventory is a mapping of group names");
    load_fails("e.yml", "all:\n  vars: 3\n", "e.yml:2:9: the vars of group 'all' must be a mapping");
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    assert_int_equal(rbk_inv_load_text(&inv, "n.ini", "[w]\nh1\0\n", 7, &err), -1);
    assert_string_equal(err.data, "n.ini:2:1: a NUL byte in an inventory");
    assert_int_equal(inv.nhosts, 0); /* nothing of a bad file is kept */
    free(err.data);
    rbk_inv_free(&inv);
}

static void test_files(void **st) {
    (void)st;
    rbk_inventory inv = RBK_INVENTORY_INIT;
    rbk_sbuf err = RBK_SBUF_INIT;
    assert_int_equal(rbk_inv_load(&inv, "/nonexistent/inv.ini", &err), -1);
    assert_non_null(strstr(err.data, "/nonexistent/inv.ini: inventory: "));
    err.len = 0;
    assert_int_equal(rbk_inv_load(&inv, "/dev/zero", &err), -1);
    assert_non_null(strstr(err.data, "not a regular file"));
    char path[] = "/tmp/rbk-inv-XXXXXX.yml";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    const char *y = "web:\n  hosts:\n    a:\n";
    assert_int_equal(write(fd, y, strlen(y)), (ssize_t)strlen(y));
    close(fd);
    assert_int_equal(rbk_inv_load(&inv, path, &err), 0);
    unlink(path);
    assert_int_equal(rbk_inv_resolve(&inv, &err), 0);
    assert_string_equal(members(&inv, "web"), "a");
    free(err.data);
    rbk_inv_free(&inv);
}

/* 100,000 hosts from one range load in linear time (a quadratic index would take minutes) */
static void test_large(void **st) {
    (void)st;
    rbk_inventory inv = load("big.ini", "[big]\nn[1:100000]\n[big:vars]\nk=v\n");
    assert_int_equal(rbk_inv_find_group(&inv, "big")->nall_hosts, 100000);
    assert_string_equal(var(&inv, "n99999", "k"), "v");
    rbk_inv_free(&inv);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ini_groups), cmocka_unit_test(test_ini_ranges), cmocka_unit_test(test_ini_quoting),
        cmocka_unit_test(test_precedence), cmocka_unit_test(test_yaml),       cmocka_unit_test(test_merge),
        cmocka_unit_test(test_errors),     cmocka_unit_test(test_files),      cmocka_unit_test(test_large),
        cmocka_unit_test(test_fleet_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
