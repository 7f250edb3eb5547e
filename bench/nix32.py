#!/usr/bin/env python3
"""Prints the Nix base-32 form of a hex sha256 digest (argument)."""
import sys
ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz"
h = bytes.fromhex(sys.argv[1])
n = (len(h) * 8 - 1) // 5 + 1
out = []
for i in range(n - 1, -1, -1):
    b = i * 5
    j, k = divmod(b, 8)
    c = h[j] >> k
    if j + 1 < len(h):
        c |= h[j + 1] << (8 - k)
    out.append(ALPHABET[c & 31])
print("".join(out))
