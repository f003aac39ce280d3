#!/usr/bin/env python3
"""tests/layering.py — checks every #include of the source tree against the layers
(docs/internals.md, "Layers"): support -> vm -> stdlib, compiler -> cli (and import/, the
translator of `runbook import`, on support/ alone, used by cli/). A file may include
a header of its own layer or of a layer below it, never one above or beside it; the few
exceptions are listed below with their reason. Fails with file:line for each include against
the direction, and for an include it cannot find (a typo would otherwise hide an edge).

  python3 tests/layering.py [ROOT]     check the tree at ROOT (default: the repository)
  python3 tests/layering.py --selftest a wrong include in a copy of the rules must be reported

tests/, bench/ and scripts/ (the generators) may include anything."""
import os
import re
import sys
import tempfile

# folder -> (layer group, rank). Same group: free; lower rank: allowed; anything else: an error.
LAYERS = {
    "support": ("support", 0),
    "import": ("import", 0.5),  # runbook import's translator: a library on support/ alone
    "inventory": ("inventory", 0.5),  # Ansible inventories (docs/fleet.md): on support/ alone
    "vm": ("vm", 1),
    "stdlib": ("stdlib", 2),
    "compiler": ("compiler", 2),
    "grammar": ("compiler", 2),  # the parser and lexer are the compiler's front end
    "cli": ("cli", 3),
}
# Files the build generates (CMakeLists.txt), by the group that owns them.
GENERATED = {
    "parser.h": "compiler", "parser_fast.h": "compiler", "lexer_cond.h": "compiler",
    "version.h": "cli", "builtins_table.inc": "stdlib",
}
# (including group, included path) -> why it is allowed.
EXCEPTIONS = {
    ("compiler", "stdlib/builtins.h"):
        "the checker and the code generator name builtin rows by id (RBK_BI_*), from builtins.def",
    ("compiler", "stdlib/builtins.def"): "the rows themselves (included by stdlib/builtins.h)",
}
# Headers private to their folder: the VM's state is vm/vm_internal.h, for vm/ alone (the CLI uses
# vm/vm.h, natives vm/native.h).
PRIVATE = {"vm/vm_internal.h": "vm"}
SOURCES = (".c", ".h", ".re", ".y", ".def")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(rel):
    top = rel.split("/", 1)[0]
    return LAYERS.get(top)


def check(root):
    problems = []
    nfiles = nincludes = 0
    for top in LAYERS:
        base = os.path.join(root, top)
        for dirpath, _, files in os.walk(base):
            for f in sorted(files):
                if not f.endswith(SOURCES):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                group, rank = layer_of(rel)
                nfiles += 1
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for lineno, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        nincludes += 1
                        inc = m.group(1)
                        # as the compiler finds it: next to the file, else from the root
                        cands = [os.path.normpath(os.path.join(dirpath, inc)), os.path.normpath(os.path.join(root, inc))]
                        target = next((c for c in cands if os.path.isfile(c)), None)
                        if target is None:
                            owner = GENERATED.get(os.path.basename(inc))
                            if owner is None:
                                problems.append(f"{rel}:{lineno}: #include \"{inc}\": no such file in the tree "
                                                "(nor a generated one this check knows)")
                                continue
                            tgroup, trank = owner, [r for g, r in LAYERS.values() if g == owner][0]
                            trel = inc
                        else:
                            trel = os.path.relpath(target, root).replace(os.sep, "/")
                            tl = layer_of(trel)
                            if tl is None:
                                problems.append(f"{rel}:{lineno}: #include \"{inc}\": {trel} is outside the layers")
                                continue
                            tgroup, trank = tl
                        if trel in PRIVATE and not rel.startswith(PRIVATE[trel] + "/"):
                            problems.append(f"{rel}:{lineno}: #include \"{inc}\": {trel} is private to "
                                            f"{PRIVATE[trel]}/ (use its public header)")
                            continue
                        if tgroup == group or trank < rank or (group, trel) in EXCEPTIONS:
                            continue
                        way = "above" if trank > rank else "beside"
                        problems.append(f"{rel}:{lineno}: #include \"{inc}\": {group} may not include {trel} "
                                        f"({tgroup} is {way} it; the direction is support -> vm -> stdlib, compiler -> cli)")
    return nfiles, nincludes, problems


def selftest():
    """A tree with one include of each kind that must be refused, and one that must pass."""
    with tempfile.TemporaryDirectory() as d:
        def w(rel, text):
            p = os.path.join(d, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as fh:
                fh.write(text)
        w("support/sbuf.h", "")
        w("vm/vm.h", '#include "../support/sbuf.h"\n')
        w("cli/main.c", '#include "../vm/vm.h"\n')
        w("compiler/sema.c", '#include "../stdlib/builtins.h"\n')
        w("stdlib/builtins.h", '#include "../vm/vm.h"\n')
        w("stdlib/std_x.h", "")
        w("vm/bad.c", '#include "vm.h"\n\n#include "../cli/main.h"\n')  # above
        w("cli/main.h", "")
        w("compiler/bad.c", '#include "../stdlib/std_x.h"\n')  # beside
        w("support/bad.c", '#include "../support/nope.h"\n')  # missing
        w("vm/vm_internal.h", "")
        w("vm/interp.c", '#include "vm_internal.h"\n')
        w("stdlib/std_bad.c", '#include "../vm/vm_internal.h"\n')  # private
        _, _, problems = check(d)
        want = ["vm/bad.c:3:", "compiler/bad.c:1:", "support/bad.c:1:", "stdlib/std_bad.c:1:"]
        got = [p.split(" ")[0] for p in problems]
        if sorted(got) != sorted(want):
            print("layering selftest: expected problems at", want, "got:", *problems, sep="\n  ")
            return 1
        print("layering selftest: the four wrong includes are reported:", *problems, sep="\n  ")
        return 0


def main():
    if sys.argv[1:] == ["--selftest"]:
        return selftest()
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    nfiles, nincludes, problems = check(os.path.abspath(root))
    for p in problems:
        print(p)
    if problems:
        print(f"layering: {len(problems)} include(s) against the layers ({nincludes} includes in {nfiles} files)")
        return 1
    print(f"layering: {nincludes} includes in {nfiles} files follow support -> vm -> stdlib, compiler -> cli")
    return 0


if __name__ == "__main__":
    sys.exit(main())
