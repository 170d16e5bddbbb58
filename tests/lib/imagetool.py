#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Builds container images for the tests from a declarative description.

A layer is a list of Entry objects packed, in order, into a tar: with GNU tar
from a staging directory when the entries can exist on disk (`--no-recursion`
and an explicit list, so only the listed entries are written and parents stay
implied), else with Python's tarfile (paths with '..', absolute paths,
duplicates, hard links to a lower layer's file, entries under a non-directory).
Layers are compressed with `gzip -n`, `zstd` or left plain, and assembled as an
OCI layout (blobs, manifest, config, index.json written here); other forms come
from skopeo (docker-archive, oci-archive) or are written with tarfile following
Docker's formats (Docker >= 25 hybrid, 1.10-24 manifest.json, legacy).
"""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import tarfile

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = {"none": "application/vnd.oci.image.layer.v1.tar",
            "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
            "zstd": "application/vnd.oci.image.layer.v1.tar+zstd"}
GNU_TAR_FLAGS = ["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0"]


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def pattern(n):
    """n deterministic bytes, for generated file contents."""
    block = bytes(range(256)) * 16
    return (block * (n // len(block) + 1))[:n]


def jdump(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


class Entry:
    """One tar member. kind: file, dir, symlink, hardlink, whiteout, opaque,
    char, block or fifo; name: the member name (bytes, verbatim); whiteout
    and opaque name the path they hide (the member is .wh.BASE or
    NAME/.wh..wh..opq)."""

    DEFAULT_MODE = {"dir": 0o755, "file": 0o644, "symlink": 0o777, "hardlink": 0o644,
                    "whiteout": 0o644, "opaque": 0o644, "char": 0o644, "block": 0o644,
                    "fifo": 0o644}

    def __init__(self, kind, name, mode=None, data=b"", target=None, dev=(0, 0)):
        if isinstance(name, str):
            name = name.encode()
        if isinstance(target, str):
            target = target.encode()
        self.kind, self.mode, self.data, self.target, self.dev = kind, mode, data, target, dev
        if mode is None:
            self.mode = self.DEFAULT_MODE[kind]
        if kind == "whiteout":
            head, _, base = name.rpartition(b"/")
            name = (head + b"/" if head else b"") + b".wh." + base
        elif kind == "opaque":
            name = name.rstrip(b"/") + b"/.wh..wh..opq"
        self.name = name


class Layer:
    def __init__(self, entries, compression="gzip", writer="auto", fmt="gnu",
                 created_by="layer"):
        self.entries, self.compression, self.writer = entries, compression, writer
        self.fmt, self.created_by = fmt, created_by


def _needs_tarfile(entries):
    seen, kinds = set(), {}
    for e in entries:
        parts = e.name.rstrip(b"/").split(b"/")
        clean = e.name.rstrip(b"/")
        if e.name.startswith(b"/") or b".." in parts or clean in seen:
            return True
        if e.kind == "hardlink" and kinds.get(e.target.rstrip(b"/")) != "file":
            return True
        for i in range(1, len(parts)):
            if kinds.get(b"/".join(parts[:i]), "dir") != "dir":
                return True
        seen.add(clean)
        kinds[clean] = "file" if e.kind in ("file", "whiteout", "opaque") else e.kind
    return False


def _write_gnutar(layer, out, stage):
    os.makedirs(stage)
    names = []
    for e in layer.entries:
        p = os.path.join(stage.encode(), e.name)
        parent = os.path.dirname(p)
        if not os.path.isdir(parent):
            os.makedirs(parent, 0o755)
        if e.kind == "dir":
            os.makedirs(p, 0o755, exist_ok=True)
        elif e.kind in ("file", "whiteout", "opaque"):
            with open(p, "wb") as f:
                f.write(e.data)
        elif e.kind == "symlink":
            os.symlink(e.target, p)
        elif e.kind == "hardlink":
            os.link(os.path.join(stage.encode(), e.target), p)
        elif e.kind in ("char", "block"):
            t = stat.S_IFCHR if e.kind == "char" else stat.S_IFBLK
            os.mknod(p, t | e.mode, os.makedev(*e.dev))
        elif e.kind == "fifo":
            os.mkfifo(p)
        names.append(e.name)
    for e in reversed(layer.entries):
        if e.kind not in ("symlink", "hardlink"):
            os.chmod(os.path.join(stage.encode(), e.name), e.mode)
    listing = out + ".list"
    with open(listing, "wb") as f:
        f.write(b"\0".join(names) + (b"\0" if names else b""))
    fmt = {"gnu": "gnu", "pax": "posix", "ustar": "ustar"}[layer.fmt]
    subprocess.run(["tar", "-c", "-f", out, "--format=" + fmt, *GNU_TAR_FLAGS, "--no-recursion",
                    "-C", stage, "--null", "--verbatim-files-from", "-T", listing], check=True)
    os.unlink(listing)
    shutil.rmtree(stage)


TARTYPE = {"file": tarfile.REGTYPE, "whiteout": tarfile.REGTYPE, "opaque": tarfile.REGTYPE,
           "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
           "char": tarfile.CHRTYPE, "block": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}


def tarinfo(name, kind="file", mode=0o644, size=0, target=b"", dev=(0, 0)):
    dec = (lambda b: b.decode("utf-8", "surrogateescape"))
    ti = tarfile.TarInfo(dec(name))
    ti.type, ti.mode, ti.size, ti.mtime = TARTYPE[kind], mode, size, 0
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    if target:
        ti.linkname = dec(target)
    ti.devmajor, ti.devminor = dev
    return ti


def open_tar(path_or_file, fmt="pax"):
    kw = {"format": {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT,
                     "ustar": tarfile.USTAR_FORMAT}[fmt],
          "encoding": "utf-8", "errors": "surrogateescape"}
    if isinstance(path_or_file, str):
        return tarfile.open(path_or_file, "w", **kw)
    return tarfile.open(fileobj=path_or_file, mode="w", **kw)


def _write_tarfile(layer, out):
    with open_tar(out, layer.fmt) as t:
        for e in layer.entries:
            data = e.data if TARTYPE[e.kind] == tarfile.REGTYPE else b""
            ti = tarinfo(e.name, e.kind, e.mode, len(data), e.target or b"", e.dev)
            t.addfile(ti, _Reader(data))


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n=-1):
        n = len(self.data) - self.pos if n < 0 else n
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def compress(src, method, dst):
    """Compresses file src into dst with the real tools."""
    if method == "none":
        shutil.copyfile(src, dst)
        return
    cmd = {"gzip": ["gzip", "-n", "-c", src], "zstd": ["zstd", "-q", "-c", src]}[method]
    with open(dst, "wb") as f:
        subprocess.run(cmd, stdout=f, check=True)


class Built:
    """A layer tar on disk: tar (uncompressed), blob (stored), their digests."""

    def __init__(self, tar, blob, compression, created_by):
        self.tar, self.blob, self.compression, self.created_by = tar, blob, compression, created_by
        self.diff_id = sha256_file(tar)
        self.digest = sha256_file(blob)
        self.size = os.path.getsize(blob)


def build_layer(layer, work, n):
    """Packs layer (a Layer) as work/layer-N.tar and its stored blob."""
    tar = os.path.join(work, "layer-%s.tar" % n)
    writer = layer.writer
    if writer == "auto":
        writer = "tarfile" if _needs_tarfile(layer.entries) else "gnutar"
    if writer == "gnutar":
        _write_gnutar(layer, tar, os.path.join(work, "stage-%s" % n))
    else:
        _write_tarfile(layer, tar)
    blob = tar + {"none": "", "gzip": ".gz", "zstd": ".zst"}[layer.compression]
    if blob != tar:
        compress(tar, layer.compression, blob)
    return Built(tar, blob, layer.compression, layer.created_by)


def build_layers(layers, work, prefix=""):
    os.makedirs(work, exist_ok=True)
    return [build_layer(l, work, "%s%d" % (prefix, i + 1)) for i, l in enumerate(layers)]


def make_config(built, os_="linux", arch="amd64", variant=None, empty_layer_history=True):
    history = []
    for i, b in enumerate(built):
        history.append({"created": "1970-01-01T00:00:00Z", "created_by": b.created_by})
        if empty_layer_history and i == 0:
            history.append({"created": "1970-01-01T00:00:00Z", "created_by": "ENV LAYERBOM=test",
                            "empty_layer": True})
    cfg = {"architecture": arch, "os": os_, "created": "1970-01-01T00:00:00Z",
           "config": {"Env": ["PATH=/usr/bin:/bin"]},
           "rootfs": {"type": "layers", "diff_ids": [b.diff_id for b in built]},
           "history": history}
    if variant:
        cfg["variant"] = variant
    return jdump(cfg)


class OciLayout:
    """An OCI image layout directory written blob by blob."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "wb") as f:
            f.write(b'{"imageLayoutVersion":"1.0.0"}')

    def blob_path(self, digest):
        return os.path.join(self.path, "blobs", "sha256", digest.split(":", 1)[1])

    def add_bytes(self, data, media_type):
        d = sha256(data)
        with open(self.blob_path(d), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": d, "size": len(data)}

    def add_file(self, src, media_type):
        d = sha256_file(src)
        if not os.path.exists(self.blob_path(d)):
            os.link(src, self.blob_path(d))
        return {"mediaType": media_type, "digest": d, "size": os.path.getsize(src)}

    def add_image(self, built, config=None, platform=None):
        """Writes config, layers and manifest; returns the manifest descriptor."""
        if config is None:
            p = platform or {}
            config = make_config(built, p.get("os", "linux"), p.get("architecture", "amd64"),
                                 p.get("variant"))
        man = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
               "config": self.add_bytes(config, MT_CONFIG),
               "layers": [self.add_file(b.blob, MT_LAYER[b.compression]) for b in built]}
        desc = self.add_bytes(jdump(man), MT_MANIFEST)
        if platform:
            desc["platform"] = platform
        return desc

    def write_index(self, descs, name="latest"):
        for d in descs:
            if name and d.get("mediaType") in (MT_MANIFEST, MT_INDEX) and "platform" not in d:
                d.setdefault("annotations", {})["org.opencontainers.image.ref.name"] = name
        with open(os.path.join(self.path, "index.json"), "wb") as f:
            f.write(jdump({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": descs}))


def build_oci(path, built, tag="latest", config=None):
    lay = OciLayout(path)
    desc = lay.add_image(built, config)
    lay.write_index([desc], tag)
    return lay


def build_multiplatform(path, per_platform, work):
    """per_platform: list of (platform dict, [Layer]). Writes index.json ->
    image index -> one manifest per platform, plus an attestation manifest
    (platform unknown/unknown) like BuildKit's. Returns the manifest digests."""
    lay = OciLayout(path)
    descs = []
    for i, (plat, layers) in enumerate(per_platform):
        built = build_layers(layers, os.path.join(work, "plat%d" % i))
        descs.append(lay.add_image(built, platform=plat))
    statement = jdump({"_type": "https://in-toto.io/Statement/v0.1",
                       "predicateType": "https://spdx.dev/Document"})
    att = {"schemaVersion": 2, "mediaType": MT_MANIFEST,
           "config": lay.add_bytes(b"{}", MT_CONFIG),
           "layers": [dict(lay.add_bytes(statement, "application/vnd.in-toto+json"),
                           annotations={"in-toto.io/predicate-type": "https://spdx.dev/Document"})]}
    att_desc = lay.add_bytes(jdump(att), MT_MANIFEST)
    att_desc["platform"] = {"os": "unknown", "architecture": "unknown"}
    att_desc["annotations"] = {"vnd.docker.reference.type": "attestation-manifest",
                               "vnd.docker.reference.digest": descs[0]["digest"]}
    index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": descs + [att_desc]}
    lay.write_index([lay.add_bytes(jdump(index), MT_INDEX)])
    return [d["digest"] for d in descs]


def skopeo_copy(src, dst):
    subprocess.run(["skopeo", "--insecure-policy", "copy", "-q", src, dst], check=True,
                   stdout=subprocess.DEVNULL)


def _add_member(t, name, data):
    t.addfile(tarinfo(name.encode(), "file", 0o644, len(data)), _Reader(data))


def _add_file_member(t, name, src):
    with open(src, "rb") as f:
        t.addfile(tarinfo(name.encode(), "file", 0o644, os.path.getsize(src)), f)


def _hex(digest):
    return digest.split(":", 1)[1]


def write_docker_hybrid(path, images, null_manifests=False):
    """Docker >= 25 `docker save`: blobs/sha256 (uncompressed layers),
    index.json with io.containerd.image.name, manifest.json with blob paths.
    images: list of (repo:tag, [Built]). With null_manifests, index.json has
    "manifests": null (as some Docker versions write) and only manifest.json
    tells what the archive holds."""
    with open_tar(path, "pax") as t:
        written, index, mjson, repos = set(), [], [], {}

        def blob(src=None, data=None):
            d = sha256_file(src) if src else sha256(data)
            if d not in written:
                written.add(d)
                name = "blobs/sha256/" + _hex(d)
                if src:
                    _add_file_member(t, name, src)
                else:
                    _add_member(t, name, data)
            return d

        for ref, built in images:
            cfg = make_config(built)
            cd = blob(data=cfg)
            layers = [{"mediaType": MT_LAYER["none"], "digest": blob(src=b.tar),
                       "size": os.path.getsize(b.tar)} for b in built]
            man = jdump({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                         "config": {"mediaType": MT_CONFIG, "digest": cd, "size": len(cfg)},
                         "layers": layers})
            md = blob(data=man)
            repo, tag = ref.rsplit(":", 1)
            index.append({"mediaType": MT_MANIFEST, "digest": md, "size": len(man),
                          "annotations": {"io.containerd.image.name": "docker.io/library/" + ref,
                                          "org.opencontainers.image.ref.name": tag}})
            mjson.append({"Config": "blobs/sha256/" + _hex(cd), "RepoTags": [ref],
                          "Layers": ["blobs/sha256/" + _hex(l["digest"]) for l in layers],
                          "LayerSources": {l["digest"]: l for l in layers}})
            repos.setdefault(repo, {})[tag] = _hex(layers[-1]["digest"])
        _add_member(t, "index.json", jdump({"schemaVersion": 2, "mediaType": MT_INDEX,
                                           "manifests": None if null_manifests else index}))
        _add_member(t, "manifest.json", jdump(mjson))
        _add_member(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
        _add_member(t, "repositories", jdump(repos))


def _v1_json(v1id, parent, b, os_="linux", arch="amd64"):
    j = {"id": v1id, "created": "1970-01-01T00:00:00Z", "os": os_, "architecture": arch,
         "container_config": {"Cmd": ["/bin/sh", "-c", b.created_by]}, "config": {}}
    if parent:
        j["parent"] = parent
    return jdump(j)


def _v1_ids(built):
    ids, parent = [], ""
    for b in built:
        parent = hashlib.sha256((parent + b.diff_id).encode()).hexdigest()
        ids.append(parent)
    return ids


def write_docker_manifest_archive(path, images):
    """Docker 1.10-24 `docker save`: <config hex>.json, <v1 id>/layer.tar,
    manifest.json with RepoTags, repositories. Shared layers are stored once.
    images: list of (repo:tag, [Built])."""
    with open_tar(path, "pax") as t:
        written, mjson, repos = set(), [], {}
        for ref, built in images:
            ids = _v1_ids(built)
            for i, (v1id, b) in enumerate(zip(ids, built)):
                if v1id in written:
                    continue
                written.add(v1id)
                _add_member(t, v1id + "/VERSION", b"1.0")
                _add_member(t, v1id + "/json", _v1_json(v1id, ids[i - 1] if i else "", b))
                _add_file_member(t, v1id + "/layer.tar", b.tar)
            cfg = make_config(built)
            _add_member(t, _hex(sha256(cfg)) + ".json", cfg)
            mjson.append({"Config": _hex(sha256(cfg)) + ".json", "RepoTags": [ref],
                          "Layers": [i + "/layer.tar" for i in ids]})
            repo, tag = ref.rsplit(":", 1)
            repos.setdefault(repo, {})[tag] = ids[-1]
        _add_member(t, "manifest.json", jdump(mjson))
        _add_member(t, "repositories", jdump(repos))


def write_docker_legacy(path, ref, built):
    """Docker < 1.10 `docker save`: repositories and <id>/{VERSION,json,layer.tar},
    no manifest.json and no image config."""
    ids = _v1_ids(built)
    with open_tar(path, "ustar") as t:
        _add_member(t, "repositories", jdump({ref.rsplit(":", 1)[0]: {ref.rsplit(":", 1)[1]: ids[-1]}}))
        for i in reversed(range(len(built))):
            _add_member(t, ids[i] + "/VERSION", b"1.0")
            _add_member(t, ids[i] + "/json", _v1_json(ids[i], ids[i - 1] if i else "", built[i]))
            _add_file_member(t, ids[i] + "/layer.tar", built[i].tar)


def umoci_unpack(oci_dir, tag, bundle):
    subprocess.run(["umoci", "unpack", "--rootless", "--image", "%s:%s" % (oci_dir, tag), bundle],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return os.path.join(bundle, "rootfs")


FTYPE = [(stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"), (stat.S_ISLNK, "symlink"),
         (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISFIFO, "fifo")]


def walk_rootfs(root):
    """{raw path bytes: (type, mode, size, sha256 hex or '-')} for everything
    under root, never following links; the root itself is not listed."""
    out = {}
    rootb = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(rootb):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            kind = next(k for test, k in FTYPE if test(st.st_mode))
            size, digest = st.st_size, "-"
            if kind == "file":
                digest = sha256_file(p).split(":", 1)[1]
            elif kind in ("dir", "char", "block", "fifo"):
                size = 0
            out[p[len(rootb):]] = (kind, stat.S_IMODE(st.st_mode), size, digest)
    return out


def recompress(built, method):
    """The same layer tar stored with another compression."""
    blob = built.tar + {"none": "", "gzip": ".gz", "zstd": ".zst"}[method]
    if blob != built.tar and not os.path.exists(blob):
        compress(built.tar, method, blob)
    return Built(built.tar, blob, method, built.created_by)
