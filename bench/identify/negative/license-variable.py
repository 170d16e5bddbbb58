def summarize(packages):
    counts = {}
    for pkg in packages:
        license = pkg.get("license") or "unknown"
        counts[license] = counts.get(license, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])


if __name__ == "__main__":
    print(summarize([{"license": "MIT"}, {"license": "GPL-2.0-only"}]))
