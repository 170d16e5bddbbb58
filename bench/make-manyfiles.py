#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes bench/work/manyfiles.oci: an OCI layout with gzip layers
holding N empty files in all (default 1,000,000) in 1,000 directories,
for the memory figure of the README (peak RSS of a scan of a huge file
table).  Usage: make-manyfiles.py [N [OUT [LAYERS]]]; with LAYERS > 1 the
files are spread evenly over the layers, each in its own directories.

The tar headers are written directly (ustar, 512 bytes each): Python's
tarfile needs minutes for a million members."""
import gzip, hashlib, json, os, sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "work", "manyfiles.oci")
nlayers = int(sys.argv[3]) if len(sys.argv) > 3 else 1


def header(name, typeflag, mode):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"%07o\0" % mode
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"00000000000\0"
    h[136:148] = b"14700000000\0"
    h[148:156] = b"        "
    h[156] = ord(typeflag)
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    s = sum(h)
    h[148:156] = b"%06o\0 " % s
    return bytes(h)


def layer(first_dir, ndirs, per_dir):
    """Writes one layer blob; returns (blob digest, size, diff ID)."""
    tmp = os.path.join(out, "layer.tmp")
    raw = hashlib.sha256()
    with gzip.open(tmp, "wb", compresslevel=1) as z:
        for d in range(first_dir, first_dir + ndirs):
            buf = [header(b"data/d%04d/" % d, "5", 0o755)]
            for i in range(per_dir):
                buf.append(header(b"data/d%04d/file-%07d" % (d, i), "0", 0o644))
            chunk = b"".join(buf)
            raw.update(chunk)
            z.write(chunk)
        end = b"\0" * 1024
        raw.update(end)
        z.write(end)
    blob = hashlib.sha256(open(tmp, "rb").read()).hexdigest()
    size = os.path.getsize(tmp)
    os.rename(tmp, os.path.join(out, "blobs", "sha256", blob))
    return blob, size, raw.hexdigest()


def main():
    os.makedirs(os.path.join(out, "blobs", "sha256"), exist_ok=True)
    dirs = 1000
    per = dirs // nlayers
    layers = [layer(k * per, per, n // dirs) for k in range(nlayers)]

    def put(obj):
        data = json.dumps(obj, sort_keys=True).encode()
        d = hashlib.sha256(data).hexdigest()
        with open(os.path.join(out, "blobs", "sha256", d), "wb") as f:
            f.write(data)
        return d, len(data)

    cfg = {"architecture": "amd64", "os": "linux",
           "rootfs": {"type": "layers", "diff_ids": ["sha256:" + l[2] for l in layers]},
           "config": {}}
    cd, cl = put(cfg)
    man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cd, "size": cl},
           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + l[0], "size": l[1]}
                      for l in layers]}
    md, ml = put(man)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                     "digest": "sha256:" + md, "size": ml}]}, f)
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')


main()
