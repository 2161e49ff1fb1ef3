#!/usr/bin/env python3
"""Sends malformed and ambiguous HTTP/1.1 requests to a server and reports how it answers.

    framing_probe.py HOST PORT [--markdown NAME]

Each case goes over a fresh connection, followed (where it matters) by a second, well-formed
request on the same connection: a server that answers that second request after an ambiguous
first one has let leftover bytes run as a request of their own (the building block of request
smuggling). A case passes when the server answers the status RFC 9112 and the hardening rules
expect and then closes the connection without answering anything else; "wait" means the server
said nothing within the probe's timeout (it is waiting for bytes that will never come).
"""
import argparse
import socket
import time

TIMEOUT_S = 2.0
FOLLOW = b"GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n"

# (name, raw request, expected statuses, follow with a second request)
CASES = [
    ("two different Content-Length", b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
     b"Content-Length: 4\r\n\r\nabcd", {400}, True),
    ("Content-Length: 2, 44", b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 44\r\n\r\nab",
     {400}, True),
    ("Content-Length and Transfer-Encoding", b"POST /w HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {400}, True),
    ("Transfer-Encoding: gzip, chunked", b"POST /w HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", {400, 501}, True),
    ("Transfer-Encoding: chunked, gzip", b"POST /w HTTP/1.1\r\nHost: x\r\n"
     b"Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n", {400, 501}, True),
    ("Content-Length: -1", b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
     {400}, False),
    ("Content-Length: 99999999999999999999", b"POST /w HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 99999999999999999999\r\n\r\n", {400, 413}, False),
    ("Content-Length: +4", b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd",
     {400}, True),
    ("space before colon", b"POST /w HTTP/1.1\r\nHost: x\r\nContent-Length : 4\r\n\r\nabcd",
     {400}, True),
    ("folded header line", b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n",
     {400}, True),
    ("header line without colon", b"GET /v1/health HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n",
     {400}, True),
    ("NUL in a header value", b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
     {400}, True),
    ("chunk size overflow", b"POST /w HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"10000000000000001\r\nab\r\n0\r\n\r\n", {400, 413}, True),
    ("POST without Content-Length or Transfer-Encoding",
     b"POST /w HTTP/1.1\r\nHost: x\r\n\r\n", {411}, False),
    ("Expect: 100-continue over the limit", b"POST /w HTTP/1.1\r\nHost: x\r\n"
     b"Content-Length: 1073741824\r\nExpect: 100-continue\r\n\r\n", {413}, False),
    ("request line of 70 KiB", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
     {414, 400, 431}, True),
    ("header of 70 KiB", b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-A: " + b"a" * 70000 +
     b"\r\n\r\n", {431, 400}, True),
    ("HTTP/1.1 without Host", b"GET /v1/health HTTP/1.1\r\n\r\n", {400}, True),
]


def statuses(data):
    """The status codes of the responses in `data` (bodies skipped by Content-Length)."""
    found = []
    while data.startswith(b"HTTP/1."):
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            found.append(int(head[9:12]))
            break
        lines = head.split(b"\r\n")
        found.append(int(lines[0][9:12]))
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or 0)
        data = rest[length:]
    return found


def exchange(host, port, raw, follow):
    """Sends `raw` (and the follow-up request) and reads until close or timeout."""
    sock = socket.create_connection((host, port), timeout=TIMEOUT_S)
    received = b""
    closed = False
    try:
        sock.sendall(raw + (FOLLOW if follow else b""))
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    except (BrokenPipeError, ConnectionResetError):
        closed = True
    finally:
        sock.close()
    return statuses(received), closed


def verdict(expected, got, closed):
    if not got:
        return "closed, no answer" if closed else "wait"
    first = got[0]
    if first in expected and len(got) == 1 and closed:
        return "pass"
    if len(got) > 1 and 200 <= got[1] < 300:
        return "second request ran (%s)" % " + ".join(map(str, got))
    if first in expected and not closed:
        return "%d, kept open" % first
    return "%s" % " + ".join(map(str, got))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--markdown", help="print one Markdown table row per case for NAME")
    args = parser.parse_args()
    passed = 0
    for name, raw, expected, follow in CASES:
        got, closed = exchange(args.host, args.port, raw, follow)
        result = verdict(expected, got, closed)
        passed += result == "pass"
        if args.markdown:
            print("| %s | %s | %s |" % (args.markdown, name, result))
        else:
            print("%-50s %s" % (name, result))
    print("passed %d of %d" % (passed, len(CASES)))


if __name__ == "__main__":
    main()
