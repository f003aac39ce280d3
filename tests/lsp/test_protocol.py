#!/usr/bin/env python3
"""tests/lsp/test_protocol.py --runbook BIN [--only NAME] [--skip NAME] [--wrapper CMD] — `runbook lsp` driven over its pipes:
the lifecycle (exit codes 0 after shutdown, 1 otherwise), what a client may get wrong (malformed
headers, bad JSON, unknown methods, requests before initialize, messages at and over the size
limit), and the features (diagnostics with UTF-16 columns and hints, modules with unsaved text,
hover, definition, completion, symbols). Each case starts its own server; every wait has a
timeout, so a hang fails the case. Under an ASan build (tests/lsp.cmake) a sanitizer report
makes the server's exit status differ, which fails the case too."""
import argparse
import json
import os
import shutil
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lspclient import Server, uri  # noqa: E402

MAX_MESSAGE = 64 << 20     # RBK_LSP_MAX_MESSAGE (cli/lsp.h)
MAX_HEADER_LINE = 4096     # RBK_LSP_MAX_HEADER_LINE
MAX_HEADERS = 32           # RBK_LSP_MAX_HEADERS
MAX_CHANGE_WORK = 1 << 30  # RBK_LSP_MAX_CHANGE_WORK

ARGS = None
CASES = []


def case(f):
    CASES.append(f)
    return f


def server(cwd=None):
    return Server(os.path.abspath(ARGS.runbook), cwd=cwd, wrapper=ARGS.wrapper.split() if ARGS.wrapper else ())


def eq(a, b, what=""):
    if a != b:
        raise AssertionError("%s: %r != %r" % (what, a, b))


def error_code(resp):
    assert "error" in resp, "expected an error, got %r" % resp
    return resp["error"]["code"]


def alive(s):
    """A request after whatever came before is answered: the server reads on, in step."""
    r = s.call("textDocument/documentSymbol", {"textDocument": {"uri": "file:///nowhere.rb"}})
    eq(error_code(r), -32602, "documentSymbol of a document not open")


def finish(s, code=0):
    if code == 0:
        eq(s.call("shutdown").get("result", "missing"), None, "shutdown result")
    s.notify("exit")
    eq(s.exit_code(), code, "exit code")


def open_doc(s, u, text, version=1):
    s.notify("textDocument/didOpen", {"textDocument": {"uri": u, "languageId": "runbook", "version": version, "text": text}})


def change(s, u, text, version):
    s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": version}, "contentChanges": [{"text": text}]})


def pos(u, line, ch):
    return {"textDocument": {"uri": u}, "position": {"line": line, "character": ch}}


# ------------------------------------------------------------------ lifecycle
@case
def lifecycle_shutdown_exit_is_0():
    s = server()
    r = s.initialize()
    caps = r["result"]["capabilities"]
    eq(caps["textDocumentSync"]["change"], 1, "full sync")
    assert caps["hoverProvider"] and caps["definitionProvider"] and caps["documentSymbolProvider"]
    assert "." in caps["completionProvider"]["triggerCharacters"]
    finish(s, 0)


@case
def exit_without_shutdown_is_1():
    s = server()
    s.initialize()
    s.notify("exit")
    eq(s.exit_code(), 1, "exit code")


@case
def end_of_input_without_shutdown_is_1_and_after_is_0():
    s = server()
    s.initialize()
    eq(s.close(), 1, "EOF before shutdown")
    s = server()
    s.initialize()
    s.call("shutdown")
    eq(s.close(), 0, "EOF after shutdown")


@case
def exit_with_odd_params_still_exits():
    s = server()
    s.initialize()
    s.call("shutdown")
    s.send({"jsonrpc": "2.0", "method": "exit", "params": 5})
    eq(s.exit_code(), 0, "exit with params 5")


@case
def exit_before_initialize_is_1():
    s = server()
    s.notify("exit")
    eq(s.exit_code(), 1, "exit code")


@case
def requests_before_initialize_are_refused():
    s = server()
    eq(error_code(s.call("textDocument/hover", pos("file:///x.rb", 0, 0))), -32002, "hover before initialize")
    eq(error_code(s.call("shutdown")), -32002, "shutdown before initialize")
    # a notification before initialize is dropped: the document is not open afterwards
    open_doc(s, "file:///tmp/early.rb", 'runbook "x"\n')
    s.initialize()
    eq(error_code(s.call("textDocument/hover", pos("file:///tmp/early.rb", 0, 0))), -32602, "document opened too early")
    finish(s)


@case
def initialize_twice_is_refused():
    s = server()
    s.initialize()
    eq(error_code(s.call("initialize", {"capabilities": {}})), -32600, "second initialize")
    finish(s)


@case
def after_shutdown_only_exit():
    s = server()
    s.initialize()
    s.call("shutdown")
    eq(error_code(s.call("textDocument/hover", pos("file:///x.rb", 0, 0))), -32600, "request after shutdown")
    s.notify("exit")
    eq(s.exit_code(), 0, "exit after shutdown")


@case
def unknown_method_and_notification():
    s = server()
    s.initialize()
    r = s.call("textDocument/semanticTokens/full", {"textDocument": {"uri": "file:///x.rb"}})
    eq(error_code(r), -32601, "unknown request")
    assert "semanticTokens" in r["error"]["message"]
    s.notify("workspace/didChangeConfiguration", {"settings": {}})
    s.notify("$/cancelRequest", {"id": 1})
    s.notify("$/setTrace", {"value": "off"})
    alive(s)
    finish(s)


@case
def string_ids_are_echoed():
    s = server()
    s.send({"jsonrpc": "2.0", "id": "abc", "method": "initialize", "params": {"capabilities": {}}})
    r = s.response("abc")
    assert "capabilities" in r["result"]
    finish(s)


# ------------------------------------------------------------------ bad messages
@case
def bad_json_is_a_parse_error():
    s = server()
    s.initialize()
    for body in [b"{", b"not json", b'{"jsonrpc":"2.0","id":5,"method":"x"', b"\xff\xfe"]:
        s.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        r = s.wait(lambda m: "error" in m and m.get("id") is None)
        eq(r["error"]["code"], -32700, "bad JSON %r" % body)
    alive(s)
    finish(s)


@case
def json_that_is_not_a_request():
    s = server()
    s.initialize()
    for body in [b'"\\u0000"', b"[]", b"[1,2]", b"42", b'"x"', b"null", b'{"jsonrpc":"2.0","id":{"a":1},"method":"x"}',
                 b'{"jsonrpc":"2.0","id":7}', b'{"jsonrpc":"2.0","id":8,"method":17}']:
        s.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        r = s.wait(lambda m: "error" in m)
        eq(r["error"]["code"], -32600, "not a request: %r" % body)
    # a response (to a request the server never sent) is dropped without an answer
    s.send({"jsonrpc": "2.0", "id": 99, "result": None})
    alive(s)
    finish(s)


@case
def params_of_the_wrong_shape():
    s = server()
    s.initialize()
    eq(error_code(s.call("textDocument/hover", "text")), -32602, "params a string")
    eq(error_code(s.call("textDocument/hover", {"textDocument": 3})), -32602, "no uri")
    u = uri("/tmp/rbk-lsp-shape.rb")
    open_doc(s, u, 'runbook "x"\n')
    s.diagnostics(u)
    eq(error_code(s.call("textDocument/hover", {"textDocument": {"uri": u}})), -32602, "no position")
    eq(error_code(s.call("textDocument/hover", pos(u, -1, 0))), -32602, "negative line")
    eq(error_code(s.call("textDocument/hover", {"textDocument": {"uri": u}, "position": {"line": "0", "character": 0}})),
       -32602, "line a string")
    # positions past the end are clamped, not refused
    eq(s.call("textDocument/hover", pos(u, 1000, 1000))["result"], None, "hover past the end")
    eq(s.call("textDocument/completion", pos(u, 0, 10 ** 9))["result"]["isIncomplete"], False, "completion past the end")
    # notifications with missing parts are dropped (they have no answer)
    s.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
    s.notify("textDocument/didOpen", {})
    s.notify("textDocument/didChange", {"textDocument": {"uri": u}, "contentChanges": [{"range": 1, "text": "x"}]})
    s.notify("textDocument/didChange", {"textDocument": {"uri": "file:///not-open.rb"}, "contentChanges": []})
    s.notify("textDocument/didClose", {"textDocument": {"uri": "file:///not-open.rb"}})
    s.notify("textDocument/didOpen", [1, 2])
    alive(s)
    finish(s)


@case
def malformed_headers():
    s = server()
    s.initialize()
    bad = [
        b"Content-Type: application/json\r\n\r\n",                  # no length
        b"Content-Length: abc\r\n\r\n",
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: 99999999999999999999999\r\n\r\n",         # overflows
        b"Content-Length 10\r\n\r\n",                               # no colon
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n",          # two lengths
        b"X: " + b"y" * (MAX_HEADER_LINE + 10) + b"\r\n\r\n",       # a line over the limit
    ]
    for h in bad:
        s.raw(h)
        r = s.wait(lambda m: "error" in m and m.get("id") is None)
        eq(r["error"]["code"], -32700, "bad header %r" % h[:60])
    # blank lines between messages and a bare LF are accepted
    body = json.dumps({"jsonrpc": "2.0", "id": 1000, "method": "shutdown"}).encode()
    s.raw(b"\r\n\r\ncontent-length:%d\n\n" % len(body) + body)
    eq(s.response(1000).get("result", "missing"), None, "lower-case header, LF only")
    s.notify("exit")
    eq(s.exit_code(), 0, "exit")


@case
def header_limits_at_and_over():
    s = server()
    s.initialize()
    body = json.dumps({"jsonrpc": "2.0", "id": 77, "method": "textDocument/documentSymbol",
                       "params": {"textDocument": {"uri": "file:///x"}}}).encode()
    # MAX_HEADERS lines (the length and 31 others) are read; one more is refused
    extra = b"".join(b"X-%d: 1\r\n" % i for i in range(MAX_HEADERS - 1))
    s.raw(b"Content-Length: %d\r\n" % len(body) + extra + b"\r\n" + body)
    eq(error_code(s.response(77)), -32602, "at the header count limit")
    s.raw(b"Content-Length: %d\r\n" % len(body) + extra + b"X-last: 1\r\n\r\n")
    eq(s.wait(lambda m: "error" in m and m.get("id") is None)["error"]["code"], -32700, "over the header count limit")
    # a header line of exactly MAX_HEADER_LINE bytes is read; one byte more is refused
    line = b"X: " + b"y" * (MAX_HEADER_LINE - 3)
    s.raw(b"Content-Length: %d\r\n" % len(body) + line + b"\r\n\r\n" + body)
    eq(error_code(s.response(77)), -32602, "at the header line limit")
    s.raw(b"Content-Length: %d\r\n" % len(body) + line + b"y\r\n\r\n")
    eq(s.wait(lambda m: "error" in m and m.get("id") is None)["error"]["code"], -32700, "over the header line limit")
    alive(s)
    finish(s)


@case
def message_size_limit_at_and_over():
    s = server()
    s.initialize()
    # exactly the limit: a notification padded with white space, read and handled
    head = b'{"jsonrpc":"2.0","method":"$/padding","params":{}}'
    body = head + b" " * (MAX_MESSAGE - len(head))
    s.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    alive(s)
    # one byte more: skipped unread, answered with an error, and the server stays in step
    body = head + b" " * (MAX_MESSAGE + 1 - len(head))
    s.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    r = s.wait(lambda m: "error" in m and m.get("id") is None, timeout=120)
    eq(r["error"]["code"], -32600, "over the size limit")
    assert "more than the" in r["error"]["message"], r
    alive(s)
    # a huge announced length with the input ending early: exit, no hang
    s.raw(b"Content-Length: 1000000000000\r\n\r\n{}")
    eq(s.close(), 1, "EOF inside a skipped message")


@case
def truncated_body_then_end_of_input():
    s = server()
    s.initialize()
    s.raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
    eq(s.close(), 1, "EOF inside a body")


@case
def truncated_header_then_end_of_input():
    s = server()
    s.initialize()
    s.raw(b"Content-Len")
    eq(s.close(), 1, "EOF inside a header")


@case
def mutated_streams_never_crash():
    # valid sessions with bytes flipped, dropped and repeated (fixed seed): each server ends
    # with the input, exit status 1 (no shutdown was read) or 0, never a signal or a hang
    import random
    rnd = random.Random(18)
    msgs = []
    for m in [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
              {"jsonrpc": "2.0", "method": "initialized", "params": {}},
              {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                  "uri": "file:///tmp/m.rb", "languageId": "runbook", "version": 1, "text": FEATURES}}},
              {"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": "file:///tmp/m.rb"}, "position": {"line": 10, "character": 13}}},
              {"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion",
               "params": {"textDocument": {"uri": "file:///tmp/m.rb"}, "position": {"line": 14, "character": 10}}},
              {"jsonrpc": "2.0", "id": 4, "method": "textDocument/definition",
               "params": {"textDocument": {"uri": "file:///tmp/m.rb"}, "position": {"line": 14, "character": 9}}},
              {"jsonrpc": "2.0", "id": 5, "method": "textDocument/documentSymbol",
               "params": {"textDocument": {"uri": "file:///tmp/m.rb"}}}]:
        body = json.dumps(m).encode()
        msgs.append(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream = b"".join(msgs)
    for i in range(40):
        b = bytearray(stream)
        for _ in range(rnd.randint(1, 8)):
            k = rnd.randrange(len(b))
            op = rnd.randrange(3)
            if op == 0:
                b[k] = rnd.randrange(256)
            elif op == 1:
                del b[k:k + rnd.randint(1, 20)]
            else:
                b[k:k] = b[k:k + rnd.randint(1, 20)]
        s = server()
        try:
            s.raw(bytes(b))
        except BrokenPipeError:
            pass
        code = s.close()
        assert code in (0, 1), "stream %d: exit status %d; stderr %r" % (i, code, s.stderr[-2000:])


# ------------------------------------------------------------------ diagnostics
@case
def diagnostics_on_open_and_change_with_utf16_columns():
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-diag.rb")
    # two characters outside the BMP (two UTF-16 units each, four bytes each) before the error
    text = 'runbook "d"\nlet s = "\U0001F600\U0001F600" + undefinedname\n'
    open_doc(s, u, text)
    d = s.diagnostics(u)
    eq(d["version"], 1, "version")
    errs = [x for x in d["diagnostics"] if x["severity"] == 1]
    eq(len(errs), 1, "one error")
    e = errs[0]
    assert "undefinedname" in e["message"], e
    col = len('let s = "') + 4 + len('" + ')  # the emoji are 2 units each
    eq(e["range"], {"start": {"line": 1, "character": col}, "end": {"line": 1, "character": col + len("undefinedname")}}, "range")
    eq(e["source"], "runbook", "source")
    # the fix, then a mistake with a hint
    change(s, u, 'runbook "d"\nlet s = 1\nlog(s)\n', 2)
    d = s.diagnostics(u)
    eq(d["version"], 2, "version")
    eq(d["diagnostics"], [], "fixed")
    change(s, u, 'runbook "d"\nlet count = 1\nlog(cuont)\n', 3)
    d = s.diagnostics(u)
    e = [x for x in d["diagnostics"] if x["severity"] == 1][0]
    assert "cuont" in e["message"], e
    rel = e["relatedInformation"][0]
    eq(rel["location"]["uri"], u, "hint location")
    assert "count" in rel["message"] and rel["message"].startswith("hint: "), rel
    # a note (where the fn a call does not fit is declared) points at its declaration
    change(s, u, 'runbook "d"\nfn f(a) {\n  return a\n}\nlog(f())\n', 4)
    d = s.diagnostics(u)
    e = [x for x in d["diagnostics"] if x["severity"] == 1][0]
    assert "missing argument `a`" in e["message"], e
    rel = e["relatedInformation"][0]
    eq(rel["message"], "note: `f` is declared here", "note message")
    eq(rel["location"]["range"], {"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 4}}, "note range")
    finish(s)


@case
def incremental_changes_are_applied():
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-incr.rb")
    open_doc(s, u, 'runbook "d"\nlet a = 1\nlog(a)\n')
    eq(s.diagnostics(u)["diagnostics"], [], "clean")
    # rename the use: a -> b at line 2, col 4..5 gives an unknown name
    s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 2, "character": 4}, "end": {"line": 2, "character": 5}}, "text": "b"}]})
    d = s.diagnostics(u)
    assert any("unknown name `b`" in x["message"] for x in d["diagnostics"]), d
    finish(s)


@case
def range_changes_work_limit_at_and_over():
    # a document of L bytes and n range changes in one notification: n * (L + 1) bytes of
    # passes at most; at the limit the changes are made, one change over it they are refused
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-work.rb")
    n = 1024
    length = MAX_CHANGE_WORK // n - 1
    head = 'runbook "w"\n'
    text = head + "#" * (length - len(head) - 1) + "\n"
    assert len(text) == length
    open_doc(s, u, text)
    s.diagnostics(u)

    def insert(count, version):
        ins = {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": ""}
        last = {"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                "text": "log(nosuchname%d)\n" % version}
        s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": version},
                                            "contentChanges": [ins] * (count - 1) + [last]})
    insert(n, 2)
    d = s.diagnostics(u)
    eq(d["version"], 2, "at the limit: checked")
    assert any("nosuchname2" in x["message"] for x in d["diagnostics"]), d
    # the document grew by len("log(nosuchname2)\n"): n changes are now over the limit: refused,
    # no check, no diagnostics for version 3; the next publication is version 4's
    insert(n, 3)
    alive(s)
    r = s.call("textDocument/hover", pos(u, 1, 1))["result"]
    assert r and "log(msg" in r["contents"]["value"], r
    s.notify("textDocument/didChange", {"textDocument": {"uri": u, "version": 4}, "contentChanges": [{"text": 'runbook "w"\n'}]})
    eq(s.diagnostics(u)["version"], 4, "the refused change was not checked; the full change after it was")
    finish(s)


@case
def syntax_error_is_reported_not_fatal():
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-syntax.rb")
    for i, text in enumerate(['runbook "x"\nstep "a" {\n', "step step step", "\x00\x01", "{" * 5000, "(" * 20000,
                              "let x = " + "1 + " * 3000 + "1", ""]):
        if i == 0:
            open_doc(s, u, text)
        else:
            change(s, u, text, i + 1)
        d = s.diagnostics(u)
        eq(d["version"], i + 1, "version")
    alive(s)
    finish(s)


@case
def formatting_is_runbook_fmt():
    """textDocument/formatting gives what `runbook fmt -` prints, as one edit of the whole text
    (its end in UTF-16 units, past a character outside the BMP); none for a formatted document;
    a RequestFailed error, and the text untouched, for one with syntax errors."""
    import subprocess
    s = server()
    caps = s.initialize()["result"]["capabilities"]
    assert caps.get("documentFormattingProvider"), caps
    u = uri("/tmp/rbk-lsp-fmt.rb")
    text = 'runbook "f"\nstep   "a"{\n      log(  "x \U0001F600"  )   # keep me\n}\n# last \U0001F600'
    want = subprocess.run([os.path.abspath(ARGS.runbook), "fmt", "-"], input=text.encode(),
                          capture_output=True, check=True).stdout.decode()
    assert want != text and "# keep me" in want and "# last" in want
    open_doc(s, u, text)
    s.diagnostics(u)
    opts = {"tabSize": 2, "insertSpaces": True}
    r = s.call("textDocument/formatting", {"textDocument": {"uri": u}, "options": opts})
    edits = r["result"]
    eq(len(edits), 1, "one edit")
    eq(edits[0]["range"], {"start": {"line": 0, "character": 0}, "end": {"line": 4, "character": 9}}, "the whole text")
    eq(edits[0]["newText"], want, "the formatter's text")
    change(s, u, want, 2)
    s.diagnostics(u)
    eq(s.call("textDocument/formatting", {"textDocument": {"uri": u}, "options": opts})["result"], [], "already formatted")
    change(s, u, 'runbook "f"\nstep "a" {\n  log(\n', 3)
    s.diagnostics(u)
    r = s.call("textDocument/formatting", {"textDocument": {"uri": u}, "options": opts})
    eq(error_code(r), -32803, "syntax errors")
    assert "syntax errors" in r["error"]["message"], r
    alive(s)
    finish(s)


@case
def modules_relative_to_the_document_and_unsaved_text_first():
    tmp = tempfile.mkdtemp(prefix="rbk-lsp-mod")
    try:
        os.makedirs(os.path.join(tmp, "lib"))
        lib = os.path.join(tmp, "lib", "checks.rb")
        with open(lib, "w") as f:
            f.write("fn ready(url) {\n  return http.get(url).status == 200\n}\nlet broken = nosuchname\n")
        main = os.path.join(tmp, "main.rb")
        text = 'runbook "m"\nuse "./lib/checks.rb"\nstep "s" {\n  expect checks.ready("http://x")\n  log(checks.later())\n}\n'
        with open(main, "w") as f:
            f.write(text)
        s = server(cwd="/")
        s.initialize()
        mu, lu = uri(main), uri(lib)
        open_doc(s, mu, text)
        d = s.diagnostics(mu)
        assert any("checks" in x["message"] and x["severity"] == 1 for x in d["diagnostics"]), d
        ld = s.diagnostics(lu)  # the module's own error, published for its file
        assert any("nosuchname" in x["message"] for x in ld["diagnostics"]), ld
        # the module opened with unsaved text that adds `later` and fixes the error: main is checked again
        fixed = "fn ready(url) {\n  return http.get(url).status == 200\n}\nfn later() {\n  return 1\n}\n"
        open_doc(s, lu, fixed)
        eq(s.diagnostics(lu)["diagnostics"], [], "the open module's check")
        d = s.diagnostics(mu)
        eq([x["message"] for x in d["diagnostics"] if x["severity"] == 1], [], "main with the unsaved module")
        # definition of checks.ready goes to the module's file
        r = s.call("textDocument/definition", pos(mu, 3, 17))["result"]
        eq(r["uri"], lu, "definition uri")
        eq(r["range"]["start"], {"line": 0, "character": 3}, "definition of ready")
        # closing the module: main reads the file from disk again
        s.notify("textDocument/didClose", {"textDocument": {"uri": lu}})
        ms = s.diagnostics(lu)
        eq(ms["diagnostics"], [], "closed module's diagnostics cleared")
        d = s.diagnostics(mu)
        assert any("checks" in x["message"] and x["severity"] == 1 for x in d["diagnostics"]), d
        finish(s)
    finally:
        shutil.rmtree(tmp)


# ------------------------------------------------------------------ features
FEATURES = '''runbook "F"
lock "orders-db"
env DB_URL secret
env REGION optional
param base = "http://127.0.0.1:8080"
use "std/pg"

fn ping(path, tries = 3) {
  return http.get("{base}{path}")
}

let r = http.get("{base}/healthz")
section "Checks" {
  step "Health" {
    expect r.status == 200
    log(ping("/x"))
  }
}
step "Deploy" {
  let out = sh("echo {env.DB_URL}", timeout: 5s)
  log(out.stdout)
} rollback {
  log("undo")
}
'''


def features_server():
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-features.rb")
    open_doc(s, u, FEATURES)
    d = s.diagnostics(u)
    eq([x for x in d["diagnostics"] if x["severity"] == 1], [], "the features runbook checks")
    return s, u


def at(needle, k=0, nth=0):
    """(line, character) of the nth occurrence of needle in FEATURES, plus k characters."""
    i = -1
    for _ in range(nth + 1):
        i = FEATURES.index(needle, i + 1)
    i += k
    line = FEATURES.count("\n", 0, i)
    return line, i - (FEATURES.rindex("\n", 0, i) + 1 if line else 0)


def hover_text(s, u, needle, k=0, nth=0):
    line, ch = at(needle, k, nth)
    r = s.call("textDocument/hover", pos(u, line, ch))["result"]
    return r["contents"]["value"] if r else None


@case
def hover():
    s, u = features_server()
    h = hover_text(s, u, "http.get", 6, 1)  # the `get` of the top-level call
    assert "http.get(url: string" in h and "HTTP GET" in h, h
    h = hover_text(s, u, "http.get", 1, 1)  # on `http`
    assert "http.get(url: string" in h, h
    h = hover_text(s, u, "sh(", 1)
    assert h.startswith("```runbook\nsh(cmd: string") and "/bin/sh" in h, h
    h = hover_text(s, u, "base =", 1)  # param base
    assert 'default `"http://127.0.0.1:8080"`' in h and "type string" in h, h
    h = hover_text(s, u, "DB_URL}", 2)  # env.DB_URL
    assert "env DB_URL secret" in h and "secret (masked" in h, h
    h = hover_text(s, u, "REGION", 1)  # where it is declared
    assert "optional (nil when unset)" in h, h
    h = hover_text(s, u, "let r", 4)
    assert "let r: {status: int" in h, h
    h = hover_text(s, u, "r.status", 4)
    assert ".status: int" in h, h
    h = hover_text(s, u, 'ping("/x")', 1)
    assert "fn ping(path, tries = 3)" in h, h
    h = hover_text(s, u, "{base}{path}", 2)  # base inside an interpolation
    assert "param base" in h, h
    h = hover_text(s, u, "tries = 3", 1)
    assert "tries = 3" in h and "default" in h, h
    h = hover_text(s, u, "pg\"", 0)
    assert 'use "std/pg"' in h, h
    for k in (1, 7):  # on the keyword, on the name
        h = hover_text(s, u, 'lock "orders-db"', k)
        assert h.startswith('```runbook\nlock "orders-db"\n```') and "run lock `orders-db`" in h and "before step 1" in h, h
    line, _ = at("\n\nfn ping", 1)
    eq(s.call("textDocument/hover", pos(u, line, 0))["result"], None, "blank line")
    finish(s)


@case
def hover_of_records_of_records_is_bounded():
    # each let a record of 12 fields holding the one before: linear text, a type whose full
    # text would be 12^12 fields
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-records.rb")
    text = ['runbook "r"', "let r0 = {" + ", ".join("f%d: 1" % i for i in range(12)) + "}"]
    for k in range(1, 13):
        text.append("let r%d = {" % k + ", ".join("f%d: r%d" % (i, k - 1) for i in range(12)) + "}")
    text.append("log(r12)")
    open_doc(s, u, "\n".join(text) + "\n")
    s.diagnostics(u)
    r = s.call("textDocument/hover", pos(u, 13, 5))["result"]
    h = r["contents"]["value"]
    assert h.startswith("```runbook\nlet r12: {f0: {f0: {...}") and len(h) < 4000, h[:300]
    finish(s)


@case
def definition():
    s, u = features_server()

    def d(needle, k=0, nth=0):
        line, ch = at(needle, k, nth)
        return s.call("textDocument/definition", pos(u, line, ch))["result"]

    def p(needle, k=0, nth=0):
        line, ch = at(needle, k, nth)
        return {"line": line, "character": ch}
    eq(d('ping("/x")', 1)["range"]["start"], p("ping(path"), "fn ping")
    eq(d("r.status", 0)["range"]["start"], p("r = http"), "let r")
    eq(d("{base}{path}", 2)["range"]["start"], p("base ="), "param base")
    eq(d("DB_URL}", 2)["range"]["start"], p("DB_URL"), "env DB_URL")
    eq(d("out.stdout", 1)["range"]["start"], p("out ="), "local out")
    eq(d("{path}", 2)["range"]["start"], p("path,"), "fn parameter path")
    eq(d('"orders-db"', 3)["range"]["start"], p('"orders-db"'), "a run lock: its declaration")
    eq(d("\n\nfn ping", 1), None, "nothing")
    finish(s)


@case
def completion_hosts_groups():
    """hosts. offers the declared hosts groups (docs/fleet.md), env. only the variables"""
    s = server()
    s.initialize()
    u = uri("/tmp/rbk-lsp-hosts.rb")
    text = 'env REGION\nhosts web, workers\nstep "s" {\n  sh("true", on: hosts.web, read_only: true)\n  log("{len(hosts.workers)} {env.REGION}")\n}\n'
    open_doc(s, u, text)
    eq([x for x in s.diagnostics(u)["diagnostics"] if x["severity"] == 1], [], "the hosts runbook checks")
    lines = text.split("\n")
    for n, (typed, want) in enumerate((("  log(hosts.", ["web", "workers"]), ("  log(env.", ["REGION"]))):
        t = list(lines)
        t[4] = typed
        change(s, u, "\n".join(t), n + 2)
        s.diagnostics(u)
        r = s.call("textDocument/completion", pos(u, 4, len(typed)))["result"]
        eq(sorted(i["label"] for i in r["items"]), want, typed)
    finish(s)


@case
def document_symbols():
    s, u = features_server()
    r = s.call("textDocument/documentSymbol", {"textDocument": {"uri": u}})["result"]
    eq([(x["name"], x["kind"]) for x in r], [("orders-db", 20), ("ping", 12), ("Checks", 3), ("Deploy", 24)], "top level")
    eq((r[0]["detail"], r[0]["selectionRange"]["start"]), ("run lock", {"line": 1, "character": 5}), "the run lock")
    eq([(x["name"], x["kind"]) for x in r[2]["children"]], [("Health", 24)], "the section's steps")
    eq(r[3]["range"]["start"]["line"], at('step "Deploy"')[0], "Deploy starts")
    eq(r[3]["range"]["end"]["line"], at('log("undo")\n}', 12)[0], "Deploy ends after its rollback")
    eq(r[3]["selectionRange"]["start"], {"line": at('"Deploy"')[0], "character": at('"Deploy"')[1]}, "the name")
    finish(s)


@case
def completion():
    s, u = features_server()
    lines = FEATURES.split("\n")
    version = [1]

    def comp(needle, typed):
        """The labels offered with line `needle` replaced by `typed` and the cursor at its end."""
        line_no = at(needle)[0]
        t = list(lines)
        t[line_no] = typed
        version[0] += 1
        change(s, u, "\n".join(t), version[0])
        s.diagnostics(u)
        r = s.call("textDocument/completion", pos(u, line_no, len(typed)))["result"]
        return [i["label"] for i in r["items"]]
    eq(comp('    log(ping("/x"))', "    log(r."), ["status", "headers", "body", "json", "time", "url", "error"],
       "HTTP response fields")
    eq(comp('    log(ping("/x"))', "    log(r.st"), ["status"], "fields by prefix")
    eq(sorted(comp('    log(ping("/x"))', "    log(env.")), ["DB_URL", "REGION"], "env names")
    assert {"get", "post", "put", "delete"} <= set(comp('    log(ping("/x"))', "    log(http.")), "http builtins"
    got = comp('    log(ping("/x"))', "    log(pg.")
    assert got and all(g[0].islower() for g in got), got  # std/pg's fns
    eq(comp("  let out = sh(", '  let out = sh("echo", timeo'), ["timeout"], "named argument by prefix")  # `ti` also names the module time
    got = comp("  let out = sh(", '  let out = sh("echo", ')
    eq(got[:12], ["cmd", "timeout", "check", "cwd", "env", "stdin", "read_only", "max_output", "secret", "tty", "on", "base"],
       "sh's named arguments first, then names in scope")
    got = comp('    log(ping("/x"))', '    log(ping("/x", ')
    eq(got[:2], ["path", "tries"], "a fn's parameters")
    got = comp('    log(ping("/x"))', "    lo")
    assert "log" in got and "lower" in got and "len" not in got, got
    got = comp("  log(out.stdout)", "  o")
    assert "out" in got, got
    got = comp('  return http.get("{base}{path}")', "  t")
    assert "tries" in got, got  # inside fn ping: its parameter
    got = comp('use "std/pg"', 'use "std/')
    assert "std/pg" in got and "std/http" in got, got
    eq(comp('use "std/pg"', 'use "std/p'), ["std/pg"], "std modules by prefix")
    got = comp('lock "orders-db"', "loc")
    assert "lock" in got, got  # the declaration's keyword, as param and env
    finish(s)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--runbook", required=True)
    ap.add_argument("--only")
    ap.add_argument("--skip", help="leave out the cases whose name holds this")
    ap.add_argument("--wrapper", help="a command the server runs under, e.g. "
                    "'valgrind -q --error-exitcode=99 --leak-check=full' (an error changes the exit codes checked)")
    ARGS = ap.parse_args()
    failed = 0
    for c in CASES:
        if (ARGS.only and ARGS.only not in c.__name__) or (ARGS.skip and ARGS.skip in c.__name__):
            continue
        try:
            c()
            print("ok   %s" % c.__name__)
        except Exception:
            failed += 1
            print("FAIL %s" % c.__name__)
            traceback.print_exc()
    print("%d case(s) failed" % failed if failed else "all cases passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
