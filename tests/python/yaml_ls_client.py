"""Drive yaml-language-server as an editor with only a YAML plugin does.

Usage: ``yaml_ls_client.py MANIFEST``. ``MANIFEST`` is a JSON object::

    {"server": [command, ...], "root": DIR,
     "documents": [path relative to DIR, ...],
     "queries": [{"kind": "completion" | "hover", "path": ..., "text": <new text or null>,
                  "line": L, "character": C}, ...]}

Each document is opened (its text read from disk; its `# yaml-language-server: $schema=`
modeline names the schema) and the diagnostics the server publishes for it are kept.
Then each query replaces the document's text when ``text`` is given (didChange) and asks
for completion (the item labels) or hover (the Markdown). The server is shut down and
stopped at the end, also on failure. Prints one JSON object:
``{"diagnostics": {path: [{"line", "character", "message"}]}, "queries": [result, ...]}``.
"""

import json
import os
import queue
import subprocess
import sys
import threading
import time

TIMEOUT = 60


class Server:
    def __init__(self, command):
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.decode("ascii").strip()
                if not line:
                    break
                name, value = line.split(":", 1)
                if name.lower() == "content-length":
                    length = int(value)
            self.messages.put(json.loads(out.read(length)))

    def send(self, message):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m).get(
            "result"
        )

    def wait(self, wanted):
        """The next message `wanted` accepts, answering the server's own requests."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                m = self.messages.get(timeout=0.5)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise RuntimeError("yaml-language-server exited")
                continue
            if "method" in m and "id" in m:
                result = None
                if m["method"] == "workspace/configuration":
                    result = [SETTINGS for _ in m["params"]["items"]]
                self.send({"id": m["id"], "result": result})
            elif wanted(m):
                return m
        raise TimeoutError("no answer from yaml-language-server")

    def stop(self):
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired) as e:
            print(
                f"yaml-language-server did not shut down cleanly: {e}", file=sys.stderr
            )
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


SETTINGS = {
    "validate": True,
    "completion": True,
    "hover": True,
    "schemaStore": {"enable": False},
}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    root = manifest["root"]
    server = Server(manifest["server"])
    try:
        out = run(server, root, manifest)
    finally:
        server.stop()
    json.dump(out, sys.stdout)


def run(server, root, manifest):
    def uri(path):
        return "file://" + os.path.join(root, path)

    server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": "file://" + root,
            "capabilities": {"workspace": {"configuration": True}},
        },
    )
    server.notify("initialized", {})
    server.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})
    out = {"diagnostics": {}, "queries": []}
    versions = {}
    for path in manifest["documents"]:
        with open(os.path.join(root, path), encoding="utf-8") as f:
            text = f.read()
        versions[path] = 1
        opened = uri(path)
        server.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": uri(path),
                    "languageId": "yaml",
                    "version": 1,
                    "text": text,
                }
            },
        )
        published = server.wait(
            lambda m, opened=opened: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == opened
            )
        )
        out["diagnostics"][path] = [
            {
                "line": d["range"]["start"]["line"],
                "character": d["range"]["start"]["character"],
                "message": d["message"],
            }
            for d in published["params"]["diagnostics"]
        ]
    for q in manifest["queries"]:
        doc = {"uri": uri(q["path"])}
        if q.get("text") is not None:
            versions[q["path"]] += 1
            server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {**doc, "version": versions[q["path"]]},
                    "contentChanges": [{"text": q["text"]}],
                },
            )
        position = {"line": q["line"], "character": q["character"]}
        if q["kind"] == "completion":
            result = server.request(
                "textDocument/completion", {"textDocument": doc, "position": position}
            )
            items = (
                result.get("items", []) if isinstance(result, dict) else (result or [])
            )
            out["queries"].append([i["label"] for i in items])
        else:
            result = server.request(
                "textDocument/hover", {"textDocument": doc, "position": position}
            )
            contents = (result or {}).get("contents", {})
            out["queries"].append(
                contents.get("value", "") if isinstance(contents, dict) else ""
            )
    return out


if __name__ == "__main__":
    main()
