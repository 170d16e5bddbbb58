/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for a whole scan: the input is an archive description
 * (fuzz_records.h), packed into one uncompressed layer tar per "%%L"
 * section, written as an OCI layout in one directory that the process
 * reuses, and scanned by lb_scan_run() with every detector.  That reaches
 * the image reader, the walker, the squash, every detector's parser (dpkg
 * status, apk installed, rpm databases, package.json, METADATA, jars, Go
 * binaries, license files) and the emitters (fuzz_html checks the html
 * page itself).
 *
 * Beyond "no crash, no leak": a scan of a well-formed layout must succeed,
 * and the spdx-json, spdx3-json and cyclonedx-json documents must be valid
 * JSON (jansson rejects invalid UTF-8 too).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detector.h"
#include "emit.h"
#include "fuzz_records.h"
#include "scan.h"

#define MAX_LAYERS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256];
static char written[MAX_LAYERS + 2][340];
static size_t nwritten;

static void cleanup(void)
{
	char p[340];

	for (size_t i = 0; i < nwritten; i++)
		unlink(written[i]);
	snprintf(p, sizeof(p), "%s/blobs/sha256", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/blobs", dir);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/oci-layout", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/index.json", dir);
	unlink(p);
	rmdir(dir);
}

static void write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd) < 0) {
		perror(path);
		abort();
	}
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[340];

	snprintf(dir, sizeof(dir), "%s/lbfuzz-scan.XXXXXX", fz_tmpdir(tmp));
	if (!mkdtemp(dir))
		abort();
	snprintf(p, sizeof(p), "%s/blobs", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/blobs/sha256", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/oci-layout", dir);
	write_file(p, "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
	atexit(cleanup);
}

/* Writes a blob; its digest goes to digest ("sha256:" + 64 hex). */
static void put_blob(const void *p, size_t n, char digest[72])
{
	unsigned char md[32];
	unsigned int mdlen;

	EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
	memcpy(digest, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(digest + 7 + 2 * i, 3, "%02x", md[i]);
	snprintf(written[nwritten], sizeof(written[0]), "%s/blobs/sha256/%s", dir, digest + 7);
	write_file(written[nwritten], p, n);
	nwritten++;
}

static void check_json(const struct lb_scan *s, const char *format)
{
	const struct lb_emitter *e = lb_emitter_find(format);
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);
	json_error_t err;
	json_t *j;

	if (!f || !e)
		abort();
	if (lb_emit_sbom(s, e, 1, 0, f) != 0)
		__builtin_trap();
	fclose(f);
	j = json_loadb(doc, len, 0, &err);
	if (!j) {
		fprintf(stderr, "%s: invalid JSON: %s (line %d, column %d)\n", format, err.text, err.line,
			err.column);
		__builtin_trap();
	}
	json_decref(j);
	free(doc);
}

static void emit_rest(const struct lb_scan *s)
{
	static const char *const other[] = { "spdx-tv", "cyclonedx-xml", "html" };
	char *doc = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&doc, &len);

	if (!f)
		abort();
	lb_emit_table(s, f);
	lb_emit_notice(s, f);
	lb_emit_files(s, 0, LB_FILES_TSV, f);
	lb_emit_files(s, 1, LB_FILES_JSON, f);
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		lb_emit_sbom(s, lb_emitter_find(other[i]), 1, 0, f);
	fclose(f);
	free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_record rec[FZ_MAX_RECORDS];
	struct fz_buf layer[MAX_LAYERS] = { 0 };
	char ldig[MAX_LAYERS][72], cdig[72], mdig[72], spec[300], p[340];
	size_t nrec = fz_parse(data, size, rec, FZ_MAX_RECORDS), nl = 1;
	struct lb_scan_opts o = {
		.jobs = 1,
		.detectors = lb_detectors,
		.ndetectors = lb_ndetectors,
		.all_layers = (int)(size & 1),
		.all_sha1 = 1,            /* every SBOM is written with its files */
	};
	struct fz_buf cfg = { 0 }, man = { 0 }, idx = { 0 };
	struct lb_scan *s = NULL;
	char line[1024];
	int r;

	if (!dir[0])
		setup();
	for (size_t i = 0; i < nrec; i++) {
		if (rec[i].type == 'L') {
			if (nl < MAX_LAYERS)
				nl++;
			continue;
		}
		fz_tar_add(&layer[nl - 1], &rec[i]);
	}
	nwritten = 0;
	for (size_t i = 0; i < nl; i++) {
		fz_tar_end(&layer[i]);
		put_blob(layer[i].p, layer[i].len, ldig[i]);
	}
	/* uncompressed layers: the diff ID is the digest */
	fz_puts(&cfg, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	for (size_t i = 0; i < nl; i++) {
		snprintf(line, sizeof(line), "%s\"%s\"", i ? "," : "", ldig[i]);
		fz_puts(&cfg, line);
	}
	fz_puts(&cfg, "]},\"history\":[{\"created_by\":\"fuzz\"}]}");
	put_blob(cfg.p, cfg.len, cdig);
	snprintf(line, sizeof(line),
		 "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		 "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\",\"size\":%zu},"
		 "\"layers\":[", cdig, cfg.len);
	fz_puts(&man, line);
	for (size_t i = 0; i < nl; i++) {
		snprintf(line, sizeof(line),
			 "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"%s\",\"size\":%zu}",
			 i ? "," : "", ldig[i], layer[i].len);
		fz_puts(&man, line);
	}
	fz_puts(&man, "]}");
	put_blob(man.p, man.len, mdig);
	snprintf(line, sizeof(line),
		 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
		 "\"digest\":\"%s\",\"size\":%zu,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},"
		 "\"annotations\":{\"org.opencontainers.image.ref.name\":\"fuzz\"}}]}", mdig, man.len);
	fz_puts(&idx, line);
	snprintf(p, sizeof(p), "%s/index.json", dir);
	write_file(p, idx.p, idx.len);

	snprintf(spec, sizeof(spec), "oci-dir:%s", dir);
	r = lb_scan_run(spec, &o, &s);
	if (r != 0) {
		/* the layout is well-formed: only a walk problem may fail it */
		if (!s->log.error || !strstr(s->log.error, "layer")) {
			fprintf(stderr, "scan failed: %s\n", s->log.error ? s->log.error : "(no message)");
			__builtin_trap();
		}
	} else {
		check_json(s, "spdx-json");
		check_json(s, "spdx3-json");
		check_json(s, "cyclonedx-json");
		emit_rest(s);
		if (getenv("LB_FUZZ_VERBOSE"))   /* to see what a seed reaches */
			lb_emit_table(s, stderr);
	}
	if (getenv("LB_FUZZ_VERBOSE"))
		for (size_t i = 0; i < s->log.nwarnings; i++)
			fprintf(stderr, "warning: %s\n", s->log.warnings[i]);
	lb_scan_free(s);
	for (size_t i = 0; i < nwritten; i++)
		unlink(written[i]);
	for (size_t i = 0; i < nl; i++)
		free(layer[i].p);
	free(cfg.p);
	free(man.p);
	free(idx.p);
	return 0;
}
