/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of the java detector's stream (detectors/java.c): the summary
 * of an archive is the same whatever the sizes of the chunks the walker
 * hands over (1, 7, 4096 and 262144 bytes), and it yields the same
 * components, licenses, digests and warnings as the whole archive read
 * the way it was before streaming.
 *
 * The archives are written here (WORKDIR, the first argument) with
 * python's zipfile: to a file (sizes in the local headers), to a pipe-like
 * stream (data descriptors after every entry, deflated, or stored, with
 * a lookalike of a descriptor inside an entry), with zip64 headers and
 * descriptors; with the
 * JDK's jar tool when it is installed (descriptors, as every jar built
 * with it); a "fat" jar of 30 nested jars, stored and deflated, larger
 * than a summary may be; an "executable" jar, a launcher script before
 * the zip; a "bomb", 640 MiB of zeros in 640 KB with a descriptor.  A jar
 * of 200 MB (random data, stored and deflated, with a nested jar after
 * it) streams from its file in 256 KiB chunks with bounded memory, and is
 * deleted after.
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "detector.h"
#include "layer.h"
#include "scan.h"
#include "squash.h"
#include "rss.h"
#include "tap.h"
#include "util.h"

extern const struct lb_detector lb_detector_java;
extern char **environ;

/* Writes the archives into the directory argv[1]; argv[2] "big" writes
 * big.jar only.  In parts: C99 strings may be 4095 bytes long. */
static const char *const gen_py[] = {
	"import io, os, random, sys, zipfile\n"
	"d = sys.argv[1]\n"
	"rnd = random.Random(7)\n"
	"MF = b'Manifest-Version: 1.0\\r\\nImplementation-Title: Demo\\r\\nImplementation-Version: 1.2.3\\r\\n'"
	" b'Bundle-DocURL: https://example.org/demo\\r\\n\\r\\n'\n"
	"POM = b'<project><licenses><license><name>The Apache Software License, Version 2.0</name>'"
	" b'<url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license></licenses></project>'\n"
	"class Pipe(io.RawIOBase):\n"
	"    def __init__(self, f): self.f = f\n"
	"    def writable(self): return True\n"
	"    def seekable(self): return False\n"
	"    def write(self, b): return self.f.write(b)\n"
	"def words(n):\n"
	"    return ' '.join(rnd.choice(['class', 'void', 'int', 'return', 'new', 'String', 'x%d' % rnd.randrange(999)])"
	" for _ in range(n)).encode()\n"
	"def inner(method):\n"
	"    b = io.BytesIO()\n"
	"    with zipfile.ZipFile(b, 'w', method) as z:\n"
	"        z.writestr('META-INF/MANIFEST.MF', b'Manifest-Version: 1.0\\r\\n\\r\\n')\n"
	"        z.writestr('META-INF/maven/org.example/inner/pom.properties', b'groupId=org.example\\nartifactId=inner\\nversion=0.9\\n')\n"
	"        z.writestr('org/example/Inner.class', words(400))\n"
	"    return b.getvalue()\n"
	"def fill(z, method, nested_stored=True):\n"
	"    z.writestr('META-INF/', b'')\n"
	"    z.writestr('META-INF/MANIFEST.MF', MF, method)\n"
	"    for i in range(300):\n"
	"        z.writestr('org/example/C%d.class' % i, words(rnd.randrange(1, 800)), method)\n"
	"    # what looks like the descriptor of the bytes before it, but for the CRC\n"
	"    z.writestr('org/example/Fake.class', b'x' * 10 + b'PK\\x07\\x08' + bytes(4) + b'\\x0a\\0\\0\\0' * 2 + b'y', method)\n"
	"    z.writestr('META-INF/maven/org.example/demo/pom.properties', b'groupId=org.example\\nartifactId=demo\\nversion=1.2.3\\n', method)\n"
	"    z.writestr('META-INF/maven/org.example/demo/pom.xml', POM, method)\n"
	"    z.writestr('META-INF/maven/com.shaded/lib/pom.properties', b'groupId=com.shaded\\nartifactId=lib\\nversion=4\\n', method)\n"
	"    z.writestr('lib/inner-0.9.jar', inner(method), method)\n"
	"    if nested_stored:\n"
	"        z.writestr('WEB-INF/lib/stored-0.9.jar', inner(zipfile.ZIP_STORED), zipfile.ZIP_STORED)\n"
	"if len(sys.argv) > 2:\n"
	"    with zipfile.ZipFile(os.path.join(d, 'big.jar'), 'w') as z:\n"
	"        z.writestr('META-INF/MANIFEST.MF', MF)\n"
	"        z.writestr('META-INF/maven/org.example/demo/pom.properties', b'groupId=org.example\\nartifactId=demo\\nversion=1.2.3\\n')\n"
	"        z.compression = zipfile.ZIP_STORED\n"
	"        with z.open('data/stored.bin', 'w', force_zip64=True) as f:\n"
	"            for _ in range(180):\n"
	"                f.write(os.urandom(1 << 20))\n"
	"        z.compression = zipfile.ZIP_DEFLATED\n"
	"        z.compresslevel = 1\n"
	"        with z.open('data/deflated.bin', 'w', force_zip64=True) as f:\n"
	"            for _ in range(20):\n"
	"                f.write(os.urandom(1 << 20))\n"
	"        z.writestr('lib/inner-0.9.jar', inner(zipfile.ZIP_DEFLATED))\n"
	"    sys.exit(0)\n",
	"with zipfile.ZipFile(os.path.join(d, 'fat.jar'), 'w') as z:\n"
	"    z.writestr('META-INF/MANIFEST.MF', MF)\n"
	"    for i in range(30):\n"
	"        b = io.BytesIO()\n"
	"        with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as n:\n"
	"            n.writestr('META-INF/maven/org.example/dep%d/pom.properties' % i,"
	" b'groupId=org.example\\nartifactId=dep%d\\nversion=%d.0\\n' % (i, i))\n"
	"            n.writestr('blob.bin', os.urandom(400000), zipfile.ZIP_STORED)\n"
	"        z.writestr('BOOT-INF/lib/dep%d-%d.0.jar' % (i, i), b.getvalue(),"
	" zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED)\n"
	"with zipfile.ZipFile(os.path.join(d, 'seekable.jar'), 'w') as z:\n"
	"    fill(z, zipfile.ZIP_DEFLATED)\n"
	"with open(os.path.join(d, 'exec.jar'), 'wb') as f:\n"
	"    f.write(b'#!/bin/sh\\nexec java -jar \"$0\" \"$@\"\\n' + b'# launcher\\n' * 800)\n"
	"    with zipfile.ZipFile(f, 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"        fill(z, zipfile.ZIP_DEFLATED)\n"
	"with open(os.path.join(d, 'descriptors.jar'), 'wb') as f:\n"
	"    with zipfile.ZipFile(Pipe(f), 'w') as z:\n"
	"        fill(z, zipfile.ZIP_DEFLATED, False)\n"
	"with open(os.path.join(d, 'zip64.jar'), 'wb') as f:\n"
	"    with zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"        for n, data in (('META-INF/MANIFEST.MF', MF),\n"
	"                        ('META-INF/maven/org.example/demo/pom.properties', b'groupId=org.example\\nartifactId=demo\\nversion=1.2.3\\n')):\n"
	"            with z.open(n, 'w', force_zip64=True) as e:\n"
	"                e.write(data)\n"
	"with open(os.path.join(d, 'bomb.jar'), 'wb') as f:\n"
	"    with zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"        z.writestr('META-INF/maven/org.example/demo/pom.properties', b'groupId=org.example\\nartifactId=demo\\nversion=1.2.3\\n')\n"
	"        with z.open('zeros.bin', 'w', force_zip64=True) as e:\n"
	"            for _ in range(640):\n"
	"                e.write(bytes(1 << 20))\n"
	"with open(os.path.join(d, 'stored.jar'), 'wb') as f:\n"
	"    with zipfile.ZipFile(Pipe(f), 'w', zipfile.ZIP_STORED) as z:\n"
	"        fill(z, zipfile.ZIP_STORED)\n"
	"os.makedirs(os.path.join(d, 'tree/META-INF/maven/org.example/demo'), exist_ok=True)\n"
	"for i in range(200):\n"
	"    os.makedirs(os.path.join(d, 'tree/org/example'), exist_ok=True)\n"
	"    open(os.path.join(d, 'tree/org/example/C%d.class' % i), 'wb').write(words(rnd.randrange(1, 800)))\n"
	"open(os.path.join(d, 'tree/META-INF/maven/org.example/demo/pom.properties'), 'wb').write("
	"b'groupId=org.example\\nartifactId=demo\\nversion=1.2.3\\n')\n"
	"open(os.path.join(d, 'tree/META-INF/maven/org.example/demo/pom.xml'), 'wb').write(POM)\n"
	"open(os.path.join(d, 'tree.mf'), 'wb').write(MF)\n",
};

/* Writes gen_py to dir/gen.py; returns 0 or -1. */
static int write_gen(const char *dir)
{
	char path[4096];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/gen.py", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	for (size_t i = 0; i < LB_ARRAY_SIZE(gen_py); i++)
		if (fputs(gen_py[i], f) < 0)
			rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Runs argv (PATH searched) in dir (NULL: here).  Returns the exit
 * status, or -1. */
static int run(char *const argv[], const char *dir)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	if (dir)
		posix_spawn_file_actions_addchdir_np(&fa, dir);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct lb_buf b;
	char chunk[65536];
	size_t n;

	if (!f)
		return NULL;
	lb_buf_init(&b, (size_t)64 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (lb_buf_add(&b, chunk, n) < 0)
			break;
	fclose(f);
	return (unsigned char *)lb_buf_detach(&b, len);
}

/* The stream's summary of data, handed over in chunks of the given size. */
static unsigned char *summary(const struct lb_entry *e, const unsigned char *data, size_t len, size_t chunk,
			      size_t *slen)
{
	void *ctx = lb_detector_java.stream_begin(e);

	for (size_t o = 0; o < len; o += chunk)
		lb_detector_java.stream_data(ctx, data + o, len - o < chunk ? len - o : chunk);
	return lb_detector_java.stream_end(ctx, slen);
}

static void add_str(struct lb_buf *b, const char *what, const char *v)
{
	lb_buf_addf(b, "%s=%s\n", what, v ? v : "(null)");
}

/* What scan() makes of data (a summary) for an image of one file: the
 * components and warnings, as text. */
static char *components(const char *path, const unsigned char *data, size_t len, const unsigned char *sha256,
			const unsigned char *sha1)
{
	struct lb_layer l;
	struct lb_scan s;
	struct lb_entry *e;
	struct lb_buf b;
	void *st;
	char hex[65];

	lb_layer_init(&l, 0);
	l.entries = lb_xcalloc(1, sizeof(*l.entries));
	l.cap = l.nentries = 1;
	e = &l.entries[0];
	e->path = path;
	e->type = LB_FT_FILE;
	e->mode = 0644;
	e->size = len;
	e->sha256 = sha256;
	e->sha1 = sha1;
	e->flags = LB_EF_HASHED | LB_EF_SHA1;
	e->detectors = 1;
	lb_hashmap_put(&l.by_path, e->path, strlen(e->path), 0, NULL);
	memset(&s, 0, sizeof(s));
	lb_log_init(&s.log);
	lb_model_init(&s.model);
	s.layers = &l;
	s.nlayers = 1;
	lb_squash(&l, 1, &s.view, &s.log);
	st = lb_detector_java.state_new();
	lb_detector_java.scan(&s, st, e, data, len);
	lb_detector_java.finish(&s, st);
	lb_model_finish(&s.model);
	lb_detector_java.state_free(st);

	lb_buf_init(&b, (size_t)16 << 20);
	for (size_t i = 0; i < s.model.n; i++) {
		const struct lb_component *c = s.model.v[i];

		add_str(&b, "name", c->name);
		add_str(&b, "version", c->version);
		add_str(&b, "purl", c->purl);
		add_str(&b, "declared", c->declared);
		add_str(&b, "declared_raw", c->declared_raw);
		add_str(&b, "summary", c->summary);
		add_str(&b, "homepage", c->homepage);
		if (c->has_digest) {
			lb_hex(hex, c->sha256, 32);
			add_str(&b, "sha256", hex);
		}
		for (size_t k = 0; k < c->nprops; k++)
			add_str(&b, c->props[k].name, c->props[k].value);
		for (size_t k = 0; k < c->nfiles; k++)
			add_str(&b, "file", c->files[k]);
		for (size_t k = 0; k < c->nev; k++)
			lb_buf_addf(&b, "evidence=%d %s %s %s\n", (int)c->ev[k].kind, c->ev[k].path ? c->ev[k].path : "",
				    c->ev[k].field ? c->ev[k].field : "", c->ev[k].detail ? c->ev[k].detail : "");
	}
	for (size_t k = 0; k < s.log.nwarnings; k++)
		add_str(&b, "warning", s.log.warnings[k]);
	lb_view_release(&s.view);
	lb_model_release(&s.model);
	lb_log_release(&s.log);
	lb_layer_release(&l);
	if (!b.p)
		lb_buf_addstr(&b, "");
	return lb_buf_detach(&b, NULL);
}

/* The summary of the whole archive read as before streaming: no note,
 * 'W', the archive. */
static unsigned char *whole(const unsigned char *data, size_t len, size_t *wlen)
{
	unsigned char *w = lb_xmalloc(len + 3);

	w[0] = w[1] = 0;
	w[2] = 'W';
	memcpy(w + 3, data, len);
	*wlen = len + 3;
	return w;
}

/* Checks one archive; how: FOLLOWED when the stream must have followed it
 * (the summary is a zip of a quarter of the archive's size at most),
 * REBUILT when it must have followed it whatever the size, WHOLE when it
 * must have kept it whole.  Returns the components as text
 * (caller frees), or NULL. */
enum { WHOLE, FOLLOWED, REBUILT };

static char *check_jar(const char *dir, const char *file, int how)
{
	static const size_t chunks[] = { 1, 7, 4096, 262144 };
	char path[4096], *got, *want;
	unsigned char *data, *first = NULL, *w;
	unsigned char sha256[32] = { 1 }, sha1[20] = { 2 };
	size_t len, flen = 0, wlen;
	struct lb_entry e = { 0 };
	int same = 1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	data = slurp(path, &len);
	if (!ok(data && len > 22, "%s: written (%zu bytes)", file, len)) {
		free(data);
		return NULL;
	}
	e.path = file;
	e.type = LB_FT_FILE;
	e.size = len;
	for (size_t i = 0; i < LB_ARRAY_SIZE(chunks); i++) {
		size_t sl;
		unsigned char *s = summary(&e, data, len, chunks[i], &sl);

		if (!s) {
			same = 0;
		} else if (!first) {
			first = s;
			flen = sl;
			continue;
		} else if (sl != flen || memcmp(s, first, sl) != 0) {
			same = 0;
		}
		free(s);
	}
	ok(same && first, "%s: the same summary in chunks of 1, 7, 4096 and 262144 bytes", file);
	if (!first) {
		free(data);
		return NULL;
	}
	if (how == FOLLOWED || how == REBUILT)
		ok(flen > 3 && first[0] == 0 && first[1] == 0 && first[2] == 'S' && (how == REBUILT || flen < len / 4),
		   "%s: followed, %zu bytes kept of %zu, no warning", file, flen, len);
	else
		ok(flen == len + 3 && first[2] == 'W' && memcmp(first + 3, data, len) == 0,
		   "%s: not followed, kept whole (%zu bytes)", file, len);
	got = components(file, first, flen, sha256, sha1);
	w = whole(data, len, &wlen);
	want = components(file, w, wlen, sha256, sha1);
	ok(strcmp(got, want) == 0 && strstr(got, "name="), "%s: the same components as the whole archive", file);
	if (strcmp(got, want) != 0)
		printf("# streamed:\n%s# whole:\n%s", got, want);
	free(want);
	free(w);
	free(first);
	free(data);
	return got;
}

/* ---- bounded memory ---- */

static void check_big(const char *dir)
{
	char path[4096], gen[4096], *pyargv[] = { "python3", gen, (char *)dir, "big", NULL };
	static unsigned char buf[262144];
	struct lb_entry e = { 0 };
	unsigned char sha256[32] = { 3 }, sha1[20] = { 4 }, *s;
	size_t n, sl, total = 0;
	long rss, peak;
	struct stat sb;
	char *comps;
	void *ctx;
	FILE *f;
	int reset;

	snprintf(path, sizeof(path), "%s/big.jar", dir);
	snprintf(gen, sizeof(gen), "%s/gen.py", dir);
	if (write_gen(dir) < 0 || run(pyargv, NULL) != 0 || stat(path, &sb) != 0)
		sb.st_size = 0;
	if (!ok(sb.st_size > (200 << 20), "big.jar: written (%lld bytes)", (long long)sb.st_size))
		return;
	/* libcrypto's first digest loads its providers, once per process */
	EVP_Digest("", 0, sha256, NULL, EVP_sha256(), NULL);
	EVP_Digest("", 0, sha1, NULL, EVP_sha1(), NULL);
	reset = rss_reset_peak();
	rss = rss_status_kib("VmRSS");
	e.path = "big.jar";
	e.type = LB_FT_FILE;
	e.size = (uint64_t)sb.st_size;
	f = fopen(path, "rb");
	ctx = lb_detector_java.stream_begin(&e);
	while (f && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		lb_detector_java.stream_data(ctx, buf, n);
		total += n;
	}
	if (f)
		fclose(f);
	s = lb_detector_java.stream_end(ctx, &sl);
	peak = rss_status_kib("VmHWM");
	ok(total == (size_t)sb.st_size && s && sl < (64 << 10) && s[0] == 0 && s[1] == 0 && s[2] == 'S',
	   "big.jar: %zu bytes streamed in 256 KiB chunks, %zu bytes of summary", total, sl);
	if (reset)
		ok(rss > 0 && peak > 0 && peak - rss < 4 * 1024,
		   "big.jar: RSS %ld KiB before, peak %ld KiB (< 4 MiB more)", rss, peak);
	comps = s ? components("big.jar", s, sl, sha256, sha1) : NULL;
	ok(comps && strstr(comps, "purl=pkg:maven/org.example/demo@1.2.3\n") &&
	   strstr(comps, "purl=pkg:maven/org.example/inner@0.9\n") && !strstr(comps, "warning="),
	   "big.jar: its own pom.properties and the nested jar after 200 MB are read");
	free(comps);

	/* the same archive cut short: not analysed, with a warning */
	f = fopen(path, "rb");
	ctx = lb_detector_java.stream_begin(&e);
	for (size_t o = 0; f && o < ((size_t)100 << 20) && (n = fread(buf, 1, sizeof(buf), f)) > 0; o += n)
		lb_detector_java.stream_data(ctx, buf, n);
	if (f)
		fclose(f);
	free(s);
	s = lb_detector_java.stream_end(ctx, &sl);
	comps = s ? components("big.jar", s, sl, sha256, sha1) : NULL;
	ok(comps && strstr(comps, "warning='big.jar': not analysed: the archive ends inside entry 'data/stored.bin'") &&
	   !strstr(comps, "name="), "big.jar cut at 100 MiB: not analysed, a warning says why");
	free(comps);
	free(s);
	unlink(path);
}

/* Bytes that are no zip, larger than what a stream keeps whole. */
static void check_garbage(void)
{
	size_t len = (size_t)9 << 20, sl;
	unsigned char *g = lb_xmalloc(len), *s;
	unsigned char sha256[32] = { 5 }, sha1[20] = { 6 };
	struct lb_entry e = { 0 };
	char *comps;

	for (size_t i = 0; i < len; i++)
		g[i] = (unsigned char)(i * 2654435761u >> 13);
	e.path = "garbage.jar";
	e.type = LB_FT_FILE;
	e.size = len;
	s = summary(&e, g, len, 4096, &sl);
	comps = s ? components("garbage.jar", s, sl, sha256, sha1) : NULL;
	ok(comps && strstr(comps, "warning='garbage.jar': not analysed: no zip entry in the first 1024 KiB") &&
	   !strstr(comps, "name="),
	   "9 MiB that are no zip: not analysed, a warning says why");
	free(comps);
	free(s);
	free(g);
}

int main(int argc, char **argv)
{
	char gen[4096], *pyargv[] = { "python3", gen, NULL, NULL };
	char *c;

	if (argc != 2) {
		fprintf(stderr, "usage: test_java_stream WORKDIR\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	/* first: the peak RSS is still that of a small process */
	check_big(argv[1]);
	check_garbage();
	snprintf(gen, sizeof(gen), "%s/gen.py", argv[1]);
	pyargv[2] = argv[1];
	if (!ok(write_gen(argv[1]) == 0 && run(pyargv, NULL) == 0, "python's zipfile writes the archives"))
		return done_testing();

	c = check_jar(argv[1], "seekable.jar", FOLLOWED);
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n") && strstr(c, "declared=Apache-2.0\n") &&
	   strstr(c, "purl=pkg:maven/com.shaded/lib@4\n") && strstr(c, "purl=pkg:maven/org.example/inner@0.9\n"),
	   "seekable.jar: its own, shaded and nested packages, and the pom.xml license");
	free(c);
	c = check_jar(argv[1], "exec.jar", FOLLOWED);
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n"), "exec.jar: read after its launcher script");
	free(c);
	c = check_jar(argv[1], "descriptors.jar", FOLLOWED);
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n") && strstr(c, "declared=Apache-2.0\n") &&
	   strstr(c, "purl=pkg:maven/org.example/inner@0.9\n"),
	   "descriptors.jar: the same packages");
	free(c);
	c = check_jar(argv[1], "zip64.jar", REBUILT);      /* too small to be much smaller */
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n") && strstr(c, "homepage=https://example.org/demo\n"),
	   "zip64.jar: zip64 headers and descriptors, the manifest read");
	free(c);
	c = check_jar(argv[1], "fat.jar", FOLLOWED);
	{
		int all = c && !strstr(c, "warning=");

		for (int i = 0; i < 30 && all; i++) {
			char purl[128];

			snprintf(purl, sizeof(purl), "purl=pkg:maven/org.example/dep%d@%d.0\n", i, i);
			all = strstr(c, purl) != NULL;
		}
		ok(all, "fat.jar: its 30 nested jars of 400 KB (12 MB, more than a summary holds) are all read");
	}
	free(c);
	/* 640 MiB of zeros with a descriptor: not inflated past 512 MiB + 32
	 * times its size, read whole */
	c = check_jar(argv[1], "bomb.jar", WHOLE);
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n"), "bomb.jar: read whole");
	free(c);
	c = check_jar(argv[1], "stored.jar", REBUILT);
	ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n") && strstr(c, "purl=pkg:maven/org.example/inner@0.9\n"),
	   "stored.jar: stored entries with descriptors, found by their CRC");
	free(c);
	{
		char mf[4096], *jarargv[] = { "jar", "cfm", "tool.jar", "tree.mf", "-C", "tree", ".", NULL };

		snprintf(mf, sizeof(mf), "%s/tool.jar", argv[1]);
		unlink(mf);
		if (run(jarargv, argv[1]) == 0) {
			c = check_jar(argv[1], "tool.jar", FOLLOWED);
			ok(c && strstr(c, "purl=pkg:maven/org.example/demo@1.2.3\n") && strstr(c, "declared=Apache-2.0\n"),
			   "tool.jar (the JDK's jar tool): the package and its license");
			free(c);
		} else {
			printf("# skip the jar tool's archive: no jar tool\n");
		}
	}
	return done_testing();
}
