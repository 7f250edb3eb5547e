#!/usr/bin/env python3
"""The scale section's dataset: N signed narinfos bulk-inserted into cache-server's SQLite database and the same
narinfos written as files for nginx.

  scale_dataset.py keygen NAME KEY_FILE
      writes an Ed25519 secret key in Nix format (NAME:base64(seed || public)), for the cache's signing-key-file
  scale_dataset.py rows DB KEY_FILE N WWW LISTS
      inserts N rows into the narinfo table of DB (a database the server has already created and migrated, so
      the schema is the server's own) for cache "main", signed with KEY_FILE exactly as the server signs; writes
      WWW/<hash>.narinfo with the bytes the server renders for the row; writes LISTS/all (every hash, as
      /<hash>.narinfo, in a random order), LISTS/hot (1,000 of them) and LISTS/misses (1,000 absent hashes)

Each path has 0 to 16 references (8 on average) to other paths of the set, sometimes to itself, a deriver, and
NAR and file sizes spread from 1 KiB to 100 MiB; NARs are zstd files that do not exist (narinfo serving does
not read them). Deterministic for a given N. Needs python3-cryptography (OpenSSL's Ed25519, ~30 us a signature).
"""
import base64
import os
import random
import sqlite3
import sys
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz"
PNAMES = ["glibc", "gcc", "openssl", "zlib", "bash", "coreutils", "python3", "perl", "curl", "libxml2", "systemd",
          "ncurses", "readline", "sqlite", "libffi", "icu4c", "boost", "llvm", "rustc", "go", "nodejs", "openjdk",
          "git", "cmake", "pkg-config", "gnumake", "binutils", "expat", "xz", "bzip2", "libuv", "harfbuzz",
          "fontconfig", "freetype", "gtk+3", "qtbase", "mesa", "ffmpeg", "postgresql", "nginx", "hello", "jq",
          "python3.11-requests", "python3.11-numpy", "rust-lib-serde", "node_modules", "source", "patches"]
OUTPUTS = ["", "", "", "-dev", "-lib", "-man", "-doc", "-bin"]
COLUMNS = ("cache, hash, store_path, file_hash, compression, file_size, nar_hash, nar_size, refs, deriver, system,"
           " ca, sigs, created_at, last_accessed_at")
BATCH = 10_000


def nix32(rnd, length):
    # A 52-character sha256 has 4 spare bits at the top: its first character is 0 or 1.
    first = rnd.choice("01") if length == 52 else rnd.choice(ALPHABET)
    return first + "".join(rnd.choices(ALPHABET, k=length - 1))


def keygen(name, path):
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    with open(path, "w") as f:
        f.write(name + ":" + base64.b64encode(seed + public).decode() + "\n")
    os.chmod(path, 0o600)


def read_key(path):
    name, b64 = open(path).read().strip().split(":", 1)
    return name, Ed25519PrivateKey.from_private_bytes(base64.b64decode(b64)[:32])


def rows(db, key_file, n, www, lists):
    key_name, key = read_key(key_file)
    rnd = random.Random(n)
    t0 = time.monotonic()
    # Sorted hashes: rows go into the (cache, hash) primary key in order, which keeps the insert fast.
    unique = set()
    while len(unique) < n:
        unique.add(nix32(rnd, 32))
    hashes = sorted(unique)
    del unique
    names = [f"{h}-{rnd.choice(PNAMES)}-{rnd.randint(0, 30)}.{rnd.randint(0, 20)}{rnd.choice(OUTPUTS)}"
             for h in hashes]
    os.makedirs(www, exist_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    # Speed over durability: a crash only loses the benchmark's own dataset.
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("BEGIN")
    # Secondary indexes are dropped during the load and built again at the end, in one pass each (much faster
    # than a million random inserts into each). Whatever indexes the server's schema has, they come back as
    # they were; triggers stay and fill the tables they maintain.
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    now = int(time.time() * 1000)
    insert = f"INSERT INTO narinfo ({COLUMNS}) VALUES ('main', ?, ?, ?, 'zstd', ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)"
    batch = []
    total_bytes = 0
    for i, (h, name) in enumerate(zip(hashes, names)):
        refs = {names[j] for j in rnd.sample(range(n), min(n, rnd.randint(0, 16)))}
        if rnd.random() < 0.3:
            refs.add(name)
        refs = sorted(refs)
        nar_size = int(1024 * 102400 ** rnd.random())
        file_size = max(64, int(nar_size * rnd.uniform(0.15, 0.6)))
        file_hash = "sha256:" + nix32(rnd, 52)
        nar_hash = "sha256:" + nix32(rnd, 52)
        deriver = nix32(rnd, 32) + name[32:] + ".drv"
        store_path = "/nix/store/" + name
        fingerprint = "1;%s;%s;%d;%s" % (store_path, nar_hash, nar_size, ",".join("/nix/store/" + r for r in refs))
        sig = key_name + ":" + base64.b64encode(key.sign(fingerprint.encode())).decode()
        # The server's rendering (NarInfoText.render): fields in this order, Deriver before Sig.
        text = (f"StorePath: {store_path}\nURL: nar/{file_hash[7:]}.nar.zst\nCompression: zstd\n"
                f"FileHash: {file_hash}\nFileSize: {file_size}\nNarHash: {nar_hash}\nNarSize: {nar_size}\n"
                f"References: {' '.join(refs)}\nDeriver: {deriver}\nSig: {sig}\n")
        total_bytes += len(text)
        with open(os.path.join(www, h + ".narinfo"), "w") as f:
            f.write(text)
        batch.append((h, store_path, file_hash, file_size, nar_hash, nar_size, " ".join(refs), deriver, sig,
                      now, now))
        if len(batch) == BATCH:
            conn.executemany(insert, batch)
            batch.clear()
    if batch:
        conn.executemany(insert, batch)
    for _, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    order = list(range(n))
    rnd.shuffle(order)
    with open(os.path.join(lists, "all"), "w") as f:
        f.writelines(f"/{hashes[i]}.narinfo\n" for i in order)
    with open(os.path.join(lists, "hot"), "w") as f:
        f.writelines(f"/{hashes[i]}.narinfo\n" for i in rnd.sample(range(n), min(n, 1000)))
    present = set(hashes)
    with open(os.path.join(lists, "misses"), "w") as f:
        for _ in range(1000):
            h = nix32(rnd, 32)
            if h not in present:
                f.write(f"/{h}.narinfo\n")
    print(f"   {n:,} rows and narinfo files in {time.monotonic() - t0:.1f} s "
          f"(narinfos of {total_bytes / n:.0f} bytes on average)")


if __name__ == "__main__":
    if sys.argv[1] == "keygen":
        keygen(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "rows":
        rows(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6])
    else:
        sys.exit(__doc__)
