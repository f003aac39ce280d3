#!/usr/bin/env python3
"""scripts/gen_man.py — the man pages, generated from the docs so they cannot drift.

    python3 scripts/gen_man.py --docs docs --version 0.1.0 --out DIR [--gzip]   # writes DIR/*.1
    python3 scripts/gen_man.py --docs docs --synopsis                    # the synopsis, one command a line
    python3 scripts/gen_man.py --docs docs --pages                       # the page names (packaging/install.cmake)

Sources: the synopsis block at the top of docs/cli.md (every page's SYNOPSIS, and the list of
pages: one per command but help and version), the `## runbook
CMD` sections of docs/cli.md (each subcommand's DESCRIPTION; `plan` and `doc` share theirs),
docs/journal.md from "What `resume` does" on (runbook-resume(1)), docs/cli.md's introduction
and "Environment" and the table of docs/exit-codes.md (runbook(1)). Built by CMake into
build/*/man/ (never committed); tests/install/man_test.sh renders every page with `man -l`
and checks that `runbook --help` prints the same synopsis as docs/cli.md.

The Markdown understood is the subset the docs use: headings, paragraphs, `-` and `1.` lists
(with indented continuation lines and nested code blocks), pipe tables, fenced code blocks,
`code`, **bold**, *emphasis*, [links](target) and HTML comments (dropped). Anything else is
kept as text.
"""
import argparse
import gzip
import os
import re
import sys

# The commands with a page: those of the synopsis (`runbook --help`, from the table of
# cli/commands.c, which tests/install/man_test.sh keeps equal to docs/cli.md) but these.
NO_PAGE = ("help", "version")
COMMANDS = []  # set by main() from the synopsis, in its order
# Each command's one-line summary (the NAME line of its page and its line in runbook(1)).
SUMMARY = {
    "check": "check runbooks without running anything",
    "compile": "compile a runbook into a verified .rbc artifact",
    "run": "run a runbook, step by step, with expectations and rollback",
    "resume": "continue a journaled run that was cut off",
    "runs": "list the runs of a run store, with their status and verdicts",
    "show": "print a run's journal records from its store, or follow them live",
    "approve": "approve a run that waits for other people's approval (approve())",
    "reject": "reject a run that waits for other people's approval: it stops",
    "plan": "show what a run would do, without running anything",
    "doc": "write a runbook as a Markdown checklist for review",
    "diff": "show what changed between two versions of a runbook, step by step",
    "disasm": "list the bytecode of a runbook or an artifact",
    "import": "turn a Markdown runbook into a runbook skeleton that checks",
    "fmt": "rewrite runbooks in the one canonical layout",
    "lsp": "a language server for editors, on stdin and stdout",
}


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


# ------------------------------------------------------------------ the synopsis
def synopsis(cli_md):
    """The first ``` block of cli.md, as {command: [lines]} in order (continuations joined
    to their command's list), plus the raw lines."""
    m = re.search(r"^```\n(.*?)^```", cli_md, re.S | re.M)
    if not m:
        sys.exit("gen_man: docs/cli.md has no synopsis block")
    cmds = {}
    order = []
    cur = None
    for line in m.group(1).splitlines():
        if not line.strip():
            continue
        w = line.split()
        if w[0] == "runbook":
            cur = w[1]
            order.append(cur)
            cmds[cur] = [line.rstrip()]
        elif cur:
            cmds[cur].append(line.rstrip())
    return order, cmds


def synopsis_words(lines):
    """A command's synopsis as one line of words (spacing normalised)."""
    return " ".join(" ".join(lines).split())


# ------------------------------------------------------------------ Markdown -> roff
def esc(text):
    """roff-escape plain text (no font changes)."""
    text = text.replace("\\", "\\e")
    text = text.replace("-", "\\-")
    text = text.replace("'", "\\(aq").replace("`", "\\(ga")
    text = text.replace("\u2014", "\\(em").replace("\u2013", "\\(en").replace("\u2026", "...")
    text = text.replace("\u2192", "\\(->").replace("\u2713", "ok")
    return text


def inline(text):
    """Markdown inline markup -> roff with font escapes."""
    out = []
    i = 0
    # tokens: `code`, **bold**, *em*, [text](link)
    pat = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|\[([^\]]+)\]\(([^)]+)\)")
    for m in pat.finditer(text):
        out.append(esc(text[i:m.start()]))
        if m.group(1) is not None:
            code = esc(m.group(1))
            if len(m.group(1)) > 30:  # a long code span may break after its commas
                code = code.replace(",", ",\\:")
            out.append("\\fB" + code + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + inline(m.group(2)) + "\\fR")
        elif m.group(3) is not None:
            out.append("\\fI" + inline(m.group(3)) + "\\fR")
        else:
            label, target = m.group(4), m.group(5)
            ref = page_ref(target)
            if ref and label.strip("`").split("#")[0].endswith(".md"):
                label, ref = "`" + ref + "`", None  # [exit-codes.md](exit-codes.md)
            out.append(inline(label))
            if ref and ref not in label:
                out.append(" (" + esc(ref) + ")")
        i = m.end()
    out.append(esc(text[i:]))
    return "".join(out)


def page_ref(target):
    """A link to another docs page becomes a pointer a reader of the man page can follow."""
    if target.startswith("http"):
        return target
    page = target.split("#")[0]
    if not page:
        return None
    return "docs/" + os.path.basename(page)


def line_safe(s):
    """A roff text line must not start with . or ' (a request)."""
    if s.startswith(".") or s.startswith("'") or s.startswith("\\(aq"):
        return "\\&" + s
    return s


class Roff:
    def __init__(self):
        self.out = []

    def req(self, r):
        self.out.append(r)

    def text(self, s):
        for line in s.split("\n"):
            self.out.append(line_safe(line))

    def code(self, lines):
        self.req(".PP")
        self.req(".RS 4")
        self.req(".nf")
        for line in lines:
            self.out.append(line_safe(esc(line)) if line else "")
        self.req(".fi")
        self.req(".RE")

    def render(self):
        return "\n".join(self.out) + "\n"


def md_to_roff(md, r, heading_req=".SS"):
    """Appends the Markdown block text md to Roff r. Level-2/3 headings become heading_req."""
    lines = md.split("\n")
    i = 0
    para = []

    def flush():
        if para:
            r.req(".PP")
            r.text(inline(" ".join(p.strip() for p in para)))
            para.clear()

    while i < len(lines):
        line = lines[i]
        s = line.strip()
        if s.startswith("<!--"):
            flush()
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        if s.startswith("```"):
            flush()
            ci = indent(line)
            i += 1
            block = []
            while i < len(lines) and not lines[i].strip().startswith("```"):
                block.append(lines[i][ci:] if lines[i][:ci].strip() == "" else lines[i])
                i += 1
            i += 1
            r.code(block)
            continue
        if not s:
            flush()
            i += 1
            continue
        m = re.match(r"(#{1,6})\s+(.*)", line)
        if m:
            flush()
            r.req(heading_req + " " + quote_arg(inline(m.group(2))))
            i += 1
            continue
        if s.startswith("|"):
            flush()
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = split_row(lines[i].strip())
                if not all(re.fullmatch(r":?-+:?", c.strip()) for c in cells):
                    rows.append(cells)
                i += 1
            table(r, rows)
            continue
        m = re.match(r"(\s*)(-|\d+\.)(\s+)(.*)", line)
        if m and not para:
            base = len(m.group(1))
            cstart = base + len(m.group(2)) + len(m.group(3))
            bullet = "\\(bu" if m.group(2) == "-" else m.group(2)
            item = [m.group(4)]
            i += 1
            # the item's other lines: indented past the marker; a blank line stays in the
            # item when the next text is indented like the item's text
            while i < len(lines):
                nxt = lines[i]
                if not nxt.strip():
                    j = i + 1
                    if j < len(lines) and lines[j].strip() and indent(lines[j]) >= cstart:
                        item.append("")
                        i += 1
                        continue
                    break
                if indent(nxt) <= base:
                    break
                item.append(nxt[cstart:] if indent(nxt) >= cstart else nxt.strip())
                i += 1
            r.req(".IP " + quote_arg(bullet) + " 4")
            sub = Roff()
            md_to_roff("\n".join(item), sub, heading_req)
            body = sub.out
            if body and body[0] == ".PP":
                body = body[1:]
            # paragraphs inside an item stay inside it
            r.out.extend(".IP" if b == ".PP" else b for b in body)
            continue
        para.append(line)
        i += 1
    flush()


def indent(line):
    return len(line) - len(line.lstrip())


def split_row(row):
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    cells, cur, code = [], [], False
    for ch in row:
        if ch == "`":
            code = not code
        if ch == "|" and not code:
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    cells.append("".join(cur).strip())
    return cells


def table(r, rows):
    """A table becomes a tagged list: the first column is the tag, the others the text."""
    if not rows:
        return
    head, body = rows[0], rows[1:]
    for cells in body:
        r.req(".TP")
        r.text(inline(cells[0]))
        parts = []
        for k, c in enumerate(cells[1:], start=1):
            if not c:
                continue
            parts.append(c)
        r.text(inline(" \u2014 ".join(parts)) if parts else "")


def quote_arg(s):
    return '"' + s.replace('"', '\\(dq') + '"'


# ------------------------------------------------------------------ pages
def sections(md, level=2):
    """[(title, body)] for the headings of a level (text before the first: title None)."""
    out = []
    cur_t, cur = None, []
    in_code = False
    for line in md.split("\n"):
        if line.strip().startswith("```"):
            in_code = not in_code
        m = None if in_code else re.match(r"(#{%d})\s+(.*)" % level, line)
        if m and not line.startswith("#" * (level + 1)):
            out.append((cur_t, "\n".join(cur)))
            cur_t, cur = m.group(2), []
        else:
            cur.append(line)
    out.append((cur_t, "\n".join(cur)))
    return out


def strip_synopsis(md):
    return re.sub(r"\A\s*# [^\n]*\n\s*```\n.*?```\n", "", md, count=1, flags=re.S)


def header(r, name, version, summary):
    r.req('.\\" Generated by scripts/gen_man.py from docs/ — edit the docs, not this file.')
    r.req('.TH %s 1 "" "runbook %s" "runbook manual"' % (name.upper().replace("-", "\\-"), version))
    r.req(".ad l")  # no justification, no hyphenation: options and paths stay whole
    r.req(".nh")
    r.req(".SH NAME")
    r.text(esc(name) + " \\- " + esc(summary))


def synopsis_section(r, lines):
    r.req(".SH SYNOPSIS")
    r.req(".nf")
    for line in lines:
        r.text(bold_synopsis(line))
    r.req(".fi")


def bold_synopsis(line):
    """runbook and the command in bold, options in bold, placeholders in italics."""
    out = []
    for tok in re.split(r"(\s+)", line):
        if not tok or tok.isspace():
            out.append(tok)
            continue
        parts = re.split(r"([\[\]|.]+)", tok)
        for p in parts:
            if not p:
                continue
            if re.fullmatch(r"[\[\]|.]+", p):
                out.append(esc(p))
            elif p.startswith("-") or p in ("runbook",) + tuple(COMMANDS) + ("help", "version", "text", "json",
                                                                          "github", "sarif", "ask", "rollback",
                                                                          "stop", "rerun", "done"):
                out.append("\\fB" + esc(p) + "\\fR")
            else:
                out.append("\\fI" + esc(p) + "\\fR")
    return "".join(out)


def see_also(r, this):
    r.req(".SH SEE ALSO")
    pages = ["runbook(1)"] + ["runbook-%s(1)" % c for c in COMMANDS]
    r.text(", ".join("\\fB%s\\fR" % esc(p.replace("(1)", "")) + "(1)" for p in pages if not p.startswith(this + "(")))
    r.req(".PP")
    r.text(esc("The full documentation: docs/ in the source tree, installed in share/doc/runbook/ under the "
               "install prefix (language.md, cli.md, exit-codes.md, journal.md, plan.md, editors.md, install.md)."))


def page_main(docs, version, order, syn):
    cli = read(os.path.join(docs, "cli.md"))
    codes = read(os.path.join(docs, "exit-codes.md"))
    r = Roff()
    header(r, "runbook", version, "a small language for production runbooks: check, compile, run, resume")
    lines = []
    for c in order:
        lines += syn[c]
    synopsis_section(r, lines)
    r.req(".SH DESCRIPTION")
    intro = sections(strip_synopsis(cli))[0][1]
    md_to_roff(intro, r)
    r.req(".SH COMMANDS")
    for c in COMMANDS:
        r.req(".TP")
        r.text("\\fBrunbook %s\\fR" % c)
        r.text(esc(SUMMARY[c]) + ": \\fBrunbook\\-%s\\fR(1)." % c)
    env = [b for t, b in sections(cli) if t == "Environment"]
    if env:
        r.req(".SH ENVIRONMENT")
        md_to_roff(env[0], r)
    r.req(".SH EXIT STATUS")
    first = sections(codes)[0][1]
    md_to_roff(re.sub(r"\A\s*# [^\n]*\n", "", first), r)
    see_also(r, "runbook")
    return r.render()


def page_cmd(docs, version, cmd, syn):
    cli = read(os.path.join(docs, "cli.md"))
    r = Roff()
    header(r, "runbook-" + cmd, version, SUMMARY[cmd])
    synopsis_section(r, syn[cmd])
    r.req(".SH DESCRIPTION")
    if cmd == "resume":
        jr = read(os.path.join(docs, "journal.md"))
        parts = sections(jr)
        intro = re.sub(r"\A\s*# [^\n]*\n\s*```\n.*?```\n", "", parts[0][1], count=1, flags=re.S)
        md_to_roff(intro, r)
        for t, b in parts[1:]:
            if "resume" in t:
                r.req(".SH " + quote_arg(inline(t).upper()))
                md_to_roff(b, r)
    else:
        body = None
        for t, b in sections(cli):
            if t and re.search(r"`runbook %s`" % cmd, t):
                body = b
        if body is None:
            sys.exit("gen_man: docs/cli.md has no section for `runbook %s`" % cmd)
        md_to_roff(body, r)
    r.req(".SH EXIT STATUS")
    r.text(esc("As in runbook(1) and docs/exit-codes.md; the codes particular to this command are above."))
    see_also(r, "runbook-" + cmd)
    return r.render()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--version", default="0")
    ap.add_argument("--out")
    ap.add_argument("--gzip", action="store_true", help="also write NAME.1.gz (reproducible: no name, no time)")
    ap.add_argument("--synopsis", action="store_true", help="print each command's synopsis on one line")
    ap.add_argument("--pages", action="store_true", help="print the name of each page (runbook, runbook-CMD), one a line")
    a = ap.parse_args()
    order, syn = synopsis(read(os.path.join(a.docs, "cli.md")))
    if a.synopsis:
        for c in order:
            print(synopsis_words(syn[c]))
        return
    COMMANDS[:] = [c for c in order if c not in NO_PAGE]
    if a.pages:
        print("runbook")
        for c in COMMANDS:
            print("runbook-" + c)
        return
    missing = [c for c in COMMANDS if c not in SUMMARY]
    if missing:
        sys.exit("gen_man: no summary for " + ", ".join(missing) + ": add it to SUMMARY in scripts/gen_man.py")
    os.makedirs(a.out, exist_ok=True)
    pages = {"runbook.1": page_main(a.docs, a.version, order, syn)}
    for c in COMMANDS:
        pages["runbook-%s.1" % c] = page_cmd(a.docs, a.version, c, syn)
    for name, text in pages.items():
        path = os.path.join(a.out, name)
        old = read(path) if os.path.exists(path) else None
        if old != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        if a.gzip:
            with open(path + ".gz", "wb") as f:
                with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as z:
                    z.write(text.encode("utf-8"))


if __name__ == "__main__":
    main()
