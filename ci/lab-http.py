#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The lab's HTTP server on the host (ci/lab, "# host: http MIB").

  ci/lab-http.py DIR
Listens on 127.0.0.1, a port the kernel picks, and prints
"Serving HTTP on 127.0.0.1 port N" (ci/lab reads it). GET /blob (and
any file of DIR) as python's http.server serves it. POST /sha256 reads
the body (Content-Length required, at most 64 MiB) and answers
"<sha256 hex> <length>\\n": a guest's upload checked on the host.
Without a Content-Length: 411; a longer one: 413; a short body: 400.
"""
import functools
import hashlib
import http.server
import sys

POST_MAX = 64 << 20
CHUNK = 1 << 16


class Handler(http.server.SimpleHTTPRequestHandler):
    def refuse(self, code, why):
        self.send_error(code, why)
        self.log_message("POST %s refused: %s", self.path, why)

    def do_POST(self):
        if self.path != "/sha256":
            self.refuse(404, "only POST /sha256")
            return
        raw = self.headers.get("Content-Length")
        if raw is None:
            self.refuse(411, "Content-Length required")
            return
        if not raw.strip().isdigit():
            self.refuse(400, "Content-Length is not a number: %r" % raw)
            return
        want = int(raw)
        if want > POST_MAX:
            self.refuse(413, "body of %d bytes, at most %d" % (want, POST_MAX))
            return
        h = hashlib.sha256()
        got = 0
        while got < want:
            part = self.rfile.read(min(CHUNK, want - got))
            if not part:
                break
            h.update(part)
            got += len(part)
        if got != want:
            self.close_connection = True
            self.refuse(400, "body ended after %d of %d bytes" % (got, want))
            return
        body = ("%s %d\n" % (h.hexdigest(), got)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.log_message("POST /sha256: %d bytes, sha256 %s", got, h.hexdigest())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: lab-http.py DIR")
    handler = functools.partial(Handler, directory=sys.argv[1])
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    print("Serving HTTP on 127.0.0.1 port %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
