"""tests/lsp/lspclient.py — a small LSP client over a `runbook lsp` child process, for the
protocol tests (test_protocol.py) and the benchmark (bench/lsp_bench.py). Frames messages with
Content-Length, reads the server's messages on a thread, and lets a test wait for a response by
id or for a notification by method, with a timeout (a hang fails the test, it never blocks it)."""
import json
import os
import queue
import subprocess
import threading
import time


class Server:
    def __init__(self, runbook, cwd=None, env=None, wrapper=()):
        self.proc = subprocess.Popen(list(wrapper) + [runbook, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.q = queue.Queue()
        self.pending = []
        self.next_id = 1
        self.stderr = b""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read_err(self):
        self.stderr = self.proc.stderr.read()

    def _read(self):
        f = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = f.readline()
                if not line:
                    self.q.put(None)
                    return
                line = line.rstrip(b"\r\n")
                if not line:
                    break
                k, _, v = line.partition(b":")
                headers[k.strip().lower()] = v.strip()
            n = int(headers[b"content-length"])
            body = f.read(n)
            self.q.put(json.loads(body))

    # ---- sending
    def raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def request(self, method, params=None):
        i = self.next_id
        self.next_id += 1
        m = {"jsonrpc": "2.0", "id": i, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        return i

    # ---- receiving
    def _get(self, timeout):
        if self.pending:
            return self.pending.pop(0)
        try:
            return self.q.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no message from the server within %s s" % timeout)

    def wait(self, pred, timeout=120):
        """The first message (in order) for which pred is true; the others are kept."""
        deadline = time.monotonic() + timeout
        kept = []
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("the awaited message did not come within %s s" % timeout)
                m = self._get(left)
                if m is None:
                    raise AssertionError("the server closed its output; stderr: %r" % self.stderr)
                if pred(m):
                    return m
                kept.append(m)
        finally:
            self.pending = kept + self.pending

    def response(self, i, timeout=120):
        return self.wait(lambda m: m.get("id") == i and "method" not in m, timeout)

    def call(self, method, params=None, timeout=120):
        return self.response(self.request(method, params), timeout)

    def diagnostics(self, uri, timeout=120):
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri, timeout)
        return m["params"]

    def initialize(self, root=None):
        r = self.call("initialize", {"processId": os.getpid(), "rootUri": root, "capabilities": {}})
        self.notify("initialized", {})
        return r

    def exit_code(self, timeout=120):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise AssertionError("the server did not exit within %s s" % timeout)

    def close(self):
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        return self.exit_code()


def uri(path):
    return "file://" + os.path.abspath(path)
