/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the golang detector's stream (detectors/golang.c): the
 * summary of a Go executable is the same whatever the sizes of the chunks
 * the walker hands over (1, 7, 4096 and 262144 bytes), and it holds the Go
 * version and module info `go version -m` reads.
 *
 * The executables: one built here with the Go toolchain (a main module
 * without dependencies, cached in WORKDIR, the first argument), and the
 * toolchain's own gofmt.  No Go < 1.18 binary is at hand (Debian 12 builds
 * everything with Go 1.19), so the pointer format of older Go is tested on
 * SYNTHETIC ELF files written here: the version and the module info of the
 * built binary placed before the blob as in older binaries' .rodata, among
 * decoys, with the string headers after it; variants point elsewhere or
 * hold only a damaged blob.  And 128 MiB of hostile bytes (version-like
 * texts and module info sentinels that never end) stream through in
 * bounded memory.
 *
 * Without a Go toolchain only the last check runs.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detector.h"
#include "rss.h"
#include "tap.h"
#include "util.h"

extern const struct lb_detector lb_detector_golang;
extern char **environ;

static const unsigned char info_start[16] = {
	0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6
};
static const unsigned char info_end[16] = {
	0xf9, 0x32, 0x43, 0x31, 0x86, 0x18, 0x20, 0x72, 0x00, 0x82, 0x42, 0x10, 0x41, 0x16, 0xd8, 0xf2
};

/* ---- helpers ---- */

/* Runs argv (PATH searched) in dir with the extra environment, stdout to
 * out (or inherited).  Returns the exit status, or -1. */
static int run(char *const argv[], const char *dir, char *const *extra, const char *out)
{
	posix_spawn_file_actions_t fa;
	char *env[256];
	size_t n = 0;
	pid_t pid;
	int st, rc;

	for (size_t i = 0; extra && extra[i] && n < 64; i++)
		env[n++] = extra[i];
	for (size_t i = 0; environ[i] && n < 255; i++) {
		size_t k;

		for (k = 0; extra && extra[k]; k++) {
			size_t kl = strcspn(extra[k], "=") + 1;

			if (strncmp(environ[i], extra[k], kl) == 0)
				break;
		}
		if (!extra || !extra[k])
			env[n++] = environ[i];
	}
	env[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	if (dir)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	if (out)
		posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n == cap)
			lb_xgrow((void **)&p, &cap, n + 65536, 1);
		r = fread(p + n, 1, cap - n, f);
		n += r;
	} while (r);
	fclose(f);
	*len = n;
	return p;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The detector's summary of p[0..n), fed in chunks of `chunk` bytes. */
static unsigned char *summarise(const unsigned char *p, size_t n, size_t chunk, size_t *slen)
{
	struct lb_entry e = { 0 };
	void *ctx;

	e.path = "/usr/local/bin/x";
	e.type = LB_FT_FILE;
	e.mode = 0755;
	e.size = n;
	e.magic = "application/x-executable";
	ctx = lb_detector_golang.stream_begin(&e);
	for (size_t o = 0; o < n; o += chunk)
		lb_detector_golang.stream_data(ctx, p + o, n - o < chunk ? n - o : chunk);
	*slen = 0;
	return lb_detector_golang.stream_end(ctx, slen);
}

static int same(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
	return a && b && al == bl && memcmp(a, b, al) == 0;
}

/* Checks that every chunk size gives the summary of the whole file in one
 * call; returns that summary. */
static unsigned char *chunked(const char *what, const unsigned char *p, size_t n, size_t *slen)
{
	static const size_t sizes[] = { 1, 7, 4096, 262144 };
	unsigned char *want = summarise(p, n, n ? n : 1, slen);

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t l;
		unsigned char *got = summarise(p, n, sizes[i], &l);

		ok(same(got, l, want, *slen), "%s: the summary in chunks of %zu bytes is the one of the whole file",
		   what, sizes[i]);
		free(got);
	}
	return want;
}

/* ---- real binaries, against `go version -m` ---- */

struct parsed {
	char version[300];
	const unsigned char *mod;   /* framed, in the summary */
	size_t modlen;
	unsigned flags;
};

static int parse_summary(const unsigned char *s, size_t n, struct parsed *out)
{
	size_t vl;

	if (!s || n < 4 || s[0] != 'G')
		return -1;
	vl = (size_t)s[2] | (size_t)s[3] << 8;
	if (vl > n - 4 || vl >= sizeof(out->version))
		return -1;
	memcpy(out->version, s + 4, vl);
	out->version[vl] = '\0';
	out->flags = s[1];
	out->mod = s + 4 + vl;
	out->modlen = n - 4 - vl;
	return 0;
}

/* What `go version -m` prints: its version, and its module info lines
 * without their leading tab (the text between cmd/go's sentinels). */
static int go_version_m(const char *bin, const char *tmp, char *version, size_t vcap, struct lb_buf *mod)
{
	char *argv[] = { "go", "version", "-m", (char *)bin, NULL };
	size_t n;
	unsigned char *out;
	char *line, *save = NULL, *colon;

	if (run(argv, NULL, NULL, tmp) != 0 || !(out = slurp(tmp, &n)))
		return -1;
	out = realloc(out, n + 1);
	out[n] = '\0';
	line = strtok_r((char *)out, "\n", &save);
	colon = line ? strstr(line, ": ") : NULL;
	if (!colon) {
		free(out);
		return -1;
	}
	snprintf(version, vcap, "%s", colon + 2);
	lb_buf_init(mod, 1 << 20);
	while ((line = strtok_r(NULL, "\n", &save))) {
		lb_buf_addstr(mod, line[0] == '\t' ? line + 1 : line);
		lb_buf_addstr(mod, "\n");
	}
	free(out);
	return 0;
}

static unsigned char *check_real(const char *what, const char *bin, const char *tmp, size_t *slen)
{
	size_t n;
	unsigned char *p = slurp(bin, &n), *s;
	struct parsed ps;
	struct lb_entry e = { 0 };
	char gv[300] = "";
	struct lb_buf gm = { 0 };

	if (!ok(p && n > 4096, "%s: read (%zu bytes)", what, p ? n : 0)) {
		free(p);
		return NULL;
	}
	e.type = LB_FT_FILE;
	e.mode = 0755;
	e.size = n;
	e.path = "/usr/local/bin/x";
	e.magic = "application/x-executable";
	e.data = p;
	e.data_len = 4096;
	ok(lb_detector_golang.wants(&e) == LB_WANT_STREAM, "%s: wanted as a stream, from its head", what);
	s = chunked(what, p, n, slen);
	ok(go_version_m(bin, tmp, gv, sizeof(gv), &gm) == 0, "%s: go version -m reads it (%s)", what, gv);
	ok(parse_summary(s, *slen, &ps) == 0 && ps.flags == 0, "%s: the summary holds build info", what);
	is_str(ps.version, gv, "the Go version as go version -m says");
	ok(ps.modlen == gm.len + 32 && memcmp(ps.mod, info_start, 16) == 0 &&
	   memcmp(ps.mod + ps.modlen - 16, info_end, 16) == 0 && gm.p && memcmp(ps.mod + 16, gm.p, gm.len) == 0,
	   "%s: the module info as go version -m lists it (%zu bytes)", what, gm.len);
	lb_buf_release(&gm);
	free(p);
	return s;
}

static int build_go(const char *work, const char *bin)
{
	char src[4096], gocache[4096], gopath[4096], tmp[4200];
	char e1[4200], e2[4200], e3[4200];
	char *extra[] = { e1, e2, e3, "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "CGO_ENABLED=0",
			  "GOTOOLCHAIN=local", NULL };
	char *argv[] = { "go", "build", "-trimpath", "-buildvcs=false", "-ldflags=-X main.version=1.0", "-o",
			 tmp, ".", NULL };
	struct stat sb;

	if (stat(bin, &sb) == 0)
		return 0;
	snprintf(src, sizeof(src), "%s/src", work);
	snprintf(gocache, sizeof(gocache), "%s/gocache", work);
	snprintf(gopath, sizeof(gopath), "%s/gopath", work);
	snprintf(tmp, sizeof(tmp), "%s.tmp", bin);
	snprintf(e1, sizeof(e1), "GOCACHE=%s", gocache);
	snprintf(e2, sizeof(e2), "GOPATH=%s", gopath);
	snprintf(e3, sizeof(e3), "GOMODCACHE=%s/pkg/mod", gopath);
	mkdir(src, 0755);
	{
		char f[4200];

		snprintf(f, sizeof(f), "%s/go.mod", src);
		spit(f, "module example.org/lbstream\n\ngo 1.19\n");
		snprintf(f, sizeof(f), "%s/main.go", src);
		spit(f, "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar version = \"dev\"\n\n"
		     "func main() { fmt.Println(\"lbstream\", version, len(os.Args)) }\n");
	}
	if (run(argv, src, extra, NULL) != 0)
		return -1;
	return rename(tmp, bin);
}

/* ---- synthetic ELF files in the pointer format of Go < 1.18 ---- */

#define S_LEN (800u << 10)
#define S_BASE 0x400000u
#define S_RO_END (600u << 10)
#define S_DATA 655360u                /* 10 * 64 KiB */
#define S_DATA_VA 0x800000u
#define S_VER 300001u                 /* odd: strings are not aligned */
#define S_MOD (262144u - 50u)         /* across the walker's usual chunk seam */
#define S_DECOY_MOD 200000u
#define S_BAD S_DATA                  /* a blob with pointer size 3 */
#define S_BLOB (S_DATA + 65536u - 16u) /* its header across a 64 KiB step */
#define S_HDR (S_DATA + 70000u)
#define S_AHEAD (S_DATA + 80000u)

enum { V_OLD, V_AHEAD, V_VER_NOWHERE, V_MOD_DECOY, V_BAD_ONLY };

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void phdr(unsigned char *h, uint32_t type, uint32_t flags, uint64_t off, uint64_t va, uint64_t sz)
{
	put32(h, type);
	put32(h + 4, flags);
	put64(h + 8, off);
	put64(h + 16, va);
	put64(h + 24, va);
	put64(h + 32, sz);
	put64(h + 40, sz);
	put64(h + 48, 4096);
}

static uint64_t data_va(uint64_t off)
{
	return S_DATA_VA + (off - S_DATA);
}

static unsigned char *synth(int variant, const char *ver, const unsigned char *mod, size_t modlen)
{
	unsigned char *p = calloc(1, S_LEN);
	uint64_t x = 88172645463325252ull;
	size_t vl = strlen(ver);
	static const char decoy[] = "path\tdecoy\nmod\tdecoy\t(devel)\t\n";
	uint64_t vat = S_BASE + S_VER, mat = S_BASE + S_MOD;

	/* ELF64 little-endian executable, three program headers, the Go note */
	memcpy(p, "\x7f" "ELF\x02\x01\x01", 7);
	put16(p + 16, 2);
	put16(p + 18, 62);
	put32(p + 20, 1);
	put64(p + 24, S_BASE + 0x1000);
	put64(p + 32, 64);
	put16(p + 52, 64);
	put16(p + 54, 56);
	put16(p + 56, 3);
	phdr(p + 64, 4 /* PT_NOTE */, 4, 232, S_BASE + 232, 32);
	phdr(p + 120, 1, 4 /* R */, 0, S_BASE, S_RO_END);
	phdr(p + 176, 1, 6 /* RW */, S_DATA, S_DATA_VA, S_LEN - S_DATA);
	put32(p + 232, 4);
	put32(p + 236, 16);
	put32(p + 240, 4);
	memcpy(p + 244, "Go\0\0synthetic-buildid", 20);

	/* .rodata: noise, decoys, the strings */
	for (size_t i = 4096; i < S_RO_END; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = (unsigned char)(x >> 24);
	}
	memcpy(p + 100003, "go1.12", 6);
	memcpy(p + 310007, "go1.16.15", 9);
	memcpy(p + S_VER, ver, vl);
	memcpy(p + S_VER + vl, "0123", 4);   /* its length ends it, not a pattern */
	memcpy(p + S_DECOY_MOD, info_start, 16);
	memcpy(p + S_DECOY_MOD + 16, decoy, sizeof(decoy) - 1);
	memcpy(p + S_DECOY_MOD + 16 + sizeof(decoy) - 1, info_end, 16);
	memcpy(p + S_MOD, mod, modlen);

	/* .go.buildinfo: a damaged blob, then the sound one */
	memcpy(p + S_BAD, "\xff Go buildinf:\x03\x00", 16);
	if (variant == V_BAD_ONLY)
		return p;
	if (variant == V_AHEAD) {
		memcpy(p + S_AHEAD, ver, vl);
		memcpy(p + S_AHEAD + vl, mod, modlen);
		vat = data_va(S_AHEAD);
		mat = data_va(S_AHEAD + vl);
	} else if (variant == V_VER_NOWHERE) {
		vat = S_BASE + 400000;
	} else if (variant == V_MOD_DECOY) {
		mat = S_BASE + S_DECOY_MOD;
	}
	memcpy(p + S_BLOB, "\xff Go buildinf:\x08\x00", 16);
	put64(p + S_BLOB + 16, data_va(S_HDR));
	put64(p + S_BLOB + 24, data_va(S_HDR + 16));
	/* .noptrdata: the string headers (pointer, length) */
	put64(p + S_HDR, vat);
	put64(p + S_HDR + 8, vl);
	put64(p + S_HDR + 16, mat);
	put64(p + S_HDR + 24, modlen);
	return p;
}

static void check_synthetic(const unsigned char *real, size_t reallen)
{
	struct parsed ps;
	unsigned char *p, *s;
	size_t sl;

	if (!ok(parse_summary(real, reallen, &ps) == 0, "synthetic: the built binary's build info to place"))
		return;

	p = synth(V_OLD, ps.version, ps.mod, ps.modlen);
	s = chunked("synthetic pointer format, strings before the blob", p, S_LEN, &sl);
	ok(same(s, sl, real, reallen), "synthetic pointer format: the version and module info of the built binary");
	free(s);
	free(p);

	p = synth(V_AHEAD, ps.version, ps.mod, ps.modlen);
	s = chunked("synthetic pointer format, strings after the blob", p, S_LEN, &sl);
	ok(same(s, sl, real, reallen), "synthetic pointer format, strings after: the same build info");
	free(s);
	free(p);

	p = synth(V_VER_NOWHERE, ps.version, ps.mod, ps.modlen);
	s = chunked("synthetic, version pointing at noise", p, S_LEN, &sl);
	ok(s && sl > 1 && s[0] == 'E' && sl - 1 == strlen("its Go version string is unreadable") &&
	   memcmp(s + 1, "its Go version string is unreadable", sl - 1) == 0,
	   "synthetic, version pointing at noise: unreadable version");
	free(s);
	free(p);

	p = synth(V_MOD_DECOY, ps.version, ps.mod, ps.modlen);
	s = chunked("synthetic, module info pointing at a decoy", p, S_LEN, &sl);
	{
		struct parsed q;

		ok(parse_summary(s, sl, &q) == 0 && strcmp(q.version, ps.version) == 0 && q.modlen == 0 &&
		   q.flags == 1, "synthetic, module info pointing at a decoy of another length: version, no module "
		   "info, flagged as lost");
	}
	free(s);
	free(p);

	p = synth(V_BAD_ONLY, ps.version, ps.mod, ps.modlen);
	s = chunked("synthetic, only a damaged blob", p, S_LEN, &sl);
	ok(s && sl > 1 && s[0] == 'E' && sl - 1 == strlen("its pointer size is neither 4 nor 8") &&
	   memcmp(s + 1, "its pointer size is neither 4 nor 8", sl - 1) == 0,
	   "synthetic, only a damaged blob: its pointer size is the reason");
	free(s);
	free(p);
}

/* ---- bounded memory ---- */

static void check_memory(void)
{
	const size_t total = (size_t)128 << 20, chunk = (size_t)1 << 20;
	unsigned char *head = synth(V_BAD_ONLY, "go1.19.8", info_start, 16);   /* 800 KiB */
	unsigned char *buf = malloc(chunk), *s;
	struct lb_entry e = { 0 };
	long rss, peak;
	void *ctx;
	size_t sl;
	int reset;

	/* every 4 KiB: a version-like text and a module info that never ends */
	memset(buf, 'a', chunk);
	for (size_t i = 0; i + 4096 <= chunk; i += 4096) {
		memcpy(buf + i, "go1.21.0", 8);
		memcpy(buf + i + 100, info_start, 16);
	}
	reset = rss_reset_peak();
	rss = rss_status_kib("VmRSS");
	e.path = "/x";
	e.size = total;
	ctx = lb_detector_golang.stream_begin(&e);
	lb_detector_golang.stream_data(ctx, head, S_LEN);
	for (size_t o = S_LEN; o < total; o += chunk)
		lb_detector_golang.stream_data(ctx, buf, chunk);
	s = lb_detector_golang.stream_end(ctx, &sl);
	peak = rss_status_kib("VmHWM");
	ok(s && s[0] == 'E', "128 MiB of hostile bytes: only the damaged blob is reported");
	if (reset)
		ok(rss > 0 && peak > 0 && peak - rss < 8 * 1024,
		   "128 MiB of hostile bytes: RSS %ld KiB before, peak %ld KiB (< 8 MiB more)", rss, peak);
	free(s);
	free(buf);
	free(head);
}

int main(int argc, char **argv)
{
	char bin[4096], tmp[4096], gofmt[4096 + 16], goroot[4096] = "";
	char *envargv[] = { "go", "env", "GOROOT", NULL };
	unsigned char *real, *s;
	size_t reallen, sl, n;

	if (argc != 2) {
		fprintf(stderr, "usage: test_golang_stream WORKDIR\n");
		return 2;
	}
	/* first: the peak RSS is still that of a small process */
	check_memory();
	mkdir(argv[1], 0755);
	snprintf(bin, sizeof(bin), "%s/lbstream", argv[1]);
	snprintf(tmp, sizeof(tmp), "%s/out.txt", argv[1]);
	if (run(envargv, NULL, NULL, tmp) != 0) {
		printf("# skip the rest: no Go toolchain\n");
		return done_testing();
	}
	{
		unsigned char *g = slurp(tmp, &n);

		if (g && n && n < sizeof(goroot)) {
			memcpy(goroot, g, n);
			goroot[strcspn(goroot, "\n")] = '\0';
		}
		free(g);
	}
	if (!ok(build_go(argv[1], bin) == 0, "a Go program builds (%s)", bin))
		return done_testing();
	real = check_real("built binary", bin, tmp, &reallen);
	snprintf(gofmt, sizeof(gofmt), "%s/bin/gofmt", goroot);
	s = check_real("the toolchain's gofmt", gofmt, tmp, &sl);
	free(s);
	if (real)
		check_synthetic(real, reallen);
	free(real);
	return done_testing();
}
