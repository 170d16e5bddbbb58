# SPDX-License-Identifier: Apache-2.0
"""Real Debian packages for the detector tests: `apt-get download` into a
directory kept between runs (in the build directory), so only the first
run fetches anything."""
import os
import subprocess


def run(*cmd, **kw):
    """Runs cmd; raises on a non-zero exit; stdout and stderr captured."""
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def fetch_debs(d, names):
    """{package name: path of its .deb} for every .deb in d, after
    downloading those of `names` that are not there yet (with stale
    package lists, once more after `apt-get update`)."""
    os.makedirs(d, exist_ok=True)
    have = {f.split("_")[0] for f in os.listdir(d) if f.endswith(".deb")}
    missing = [n for n in names if n not in have]
    if missing:
        try:
            run("apt-get", "download", *missing, cwd=d)
        except subprocess.CalledProcessError:
            run("apt-get", "update", "-qq")
            run("apt-get", "download", *missing, cwd=d)
    return {f.split("_")[0]: os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".deb")}
