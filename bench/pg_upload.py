#!/usr/bin/env python3
"""Uploads COUNT random NARs of SIZE bytes (uncompressed, each with its narinfo) to a cache-server over one
keep-alive connection, the way Nix does (NAR PUT, then narinfo PUT), and prints the upload rate in MiB/s.
The narinfo paths (/<hash>.narinfo) go to LIST, for wrk.
usage: pg_upload.py URL TOKEN COUNT SIZE LIST"""
import base64
import hashlib
import http.client
import os
import random
import sys
import time
import urllib.parse

ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz"


def nix32(digest):
    n = (len(digest) * 8 - 1) // 5 + 1
    out = []
    for i in range(n - 1, -1, -1):
        j, k = divmod(i * 5, 8)
        c = digest[j] >> k
        if j + 1 < len(digest):
            c |= digest[j + 1] << (8 - k)
        out.append(ALPHABET[c & 31])
    return "".join(out)


def main(url, token, count, size, list_path):
    target = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
    auth = {"Authorization": "Basic " + base64.b64encode((":" + token).encode()).decode()}
    nars = [os.urandom(size) for _ in range(min(count, 8))]  # generated before the clock starts
    paths = []
    started = time.monotonic()
    for i in range(count):
        nar = nars[i % len(nars)][:-16] + os.urandom(16)  # every NAR distinct
        digest = nix32(hashlib.sha256(nar).digest())
        store_hash = "".join(random.choice(ALPHABET) for _ in range(32))
        put(conn, f"/nar/{digest}.nar", nar, auth)
        info = (f"StorePath: /nix/store/{store_hash}-bench-{i}\nURL: nar/{digest}.nar\nCompression: none\n"
                f"FileHash: sha256:{digest}\nFileSize: {size}\nNarHash: sha256:{digest}\nNarSize: {size}\n"
                "References: \n")
        put(conn, f"/{store_hash}.narinfo", info.encode(), auth)
        paths.append(f"/{store_hash}.narinfo")
    elapsed = time.monotonic() - started
    with open(list_path, "w") as out:
        out.write("\n".join(paths) + "\n")
    print(round(count * size / 1048576 / elapsed, 1))


def put(conn, path, body, auth):
    conn.request("PUT", path, body=body, headers=dict(auth, **{"Content-Length": str(len(body))}))
    response = conn.getresponse()
    text = response.read()
    if response.status != 200:
        sys.exit(f"PUT {path}: {response.status} {text[:200]!r}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
