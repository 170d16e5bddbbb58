/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small building blocks shared by every core module:
 *
 * - lb_xmalloc() and friends: allocation that never returns NULL.  Memory
 *   use is bounded by the caps below, so running out of memory is a bug or
 *   a machine problem, never an answer to bad input; it ends the process
 *   with exit code 5 (internal error).
 * - struct lb_buf: a growable byte buffer with a hard cap set at creation.
 *   Every buffer filled from an image uses one, so a hostile image can make
 *   a read fail but never make it grow without bound.
 * - struct lb_arena: bump allocation for the many small strings of a file
 *   table; everything is freed at once by lb_arena_release().
 * - struct lb_log: the error message and warnings of one handle (image,
 *   layer, scan).  Only cmd/ prints them.
 */
#ifndef LB_UTIL_H
#define LB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define LB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Status codes of core functions; the command maps them to exit codes. */
enum lb_status {
	LB_OK = 0,
	LB_ERR_USAGE = -2,   /* bad request: unknown option value, no such image name */
	LB_ERR_INPUT = -3,   /* the input is unreadable or not a valid image */
	LB_ERR_OUTPUT = -4,  /* an output could not be written */
	LB_ERR_INTERNAL = -5,/* a bug */
};

void *lb_xmalloc(size_t n);
void *lb_xcalloc(size_t nmemb, size_t size);
void *lb_xrealloc(void *p, size_t n);
/* Grow *p (of *cap elements of size sz) to hold at least need elements. */
void lb_xgrow(void **p, size_t *cap, size_t need, size_t sz);
char *lb_xstrdup(const char *s);
char *lb_xstrndup(const char *s, size_t n);
/* A newly allocated printf result; never NULL. */
char *lb_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reports a broken invariant and aborts: never for bad input. */
#define BUG(...) lb_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void lb_bug(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- capped byte buffer ---- */
struct lb_buf {
	char *p;        /* NUL-terminated when len < cap; NULL until the first add */
	size_t len;
	size_t cap;
	size_t max;     /* the hard cap on len */
};
void lb_buf_init(struct lb_buf *b, size_t max);
/* Appends; returns 0, or -1 (buffer unchanged) when len would pass max. */
int lb_buf_add(struct lb_buf *b, const void *data, size_t n);
int lb_buf_addstr(struct lb_buf *b, const char *s);
int lb_buf_addf(struct lb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Gives the contents to the caller (free() them); the buffer is empty after. */
char *lb_buf_detach(struct lb_buf *b, size_t *len);
void lb_buf_release(struct lb_buf *b);

/* ---- arena ---- */
struct lb_arena_block;
struct lb_arena {
	struct lb_arena_block *head;
	size_t used;     /* bytes handed out, for accounting */
};
void lb_arena_init(struct lb_arena *a);
void *lb_arena_alloc(struct lb_arena *a, size_t n);          /* 8-byte aligned */
char *lb_arena_strndup(struct lb_arena *a, const char *s, size_t n);
char *lb_arena_strdup(struct lb_arena *a, const char *s);
void *lb_arena_memdup(struct lb_arena *a, const void *p, size_t n);
void lb_arena_release(struct lb_arena *a);

/* ---- errors and warnings of a handle ---- */
#define LB_LOG_MAX_WARNINGS 200
struct lb_log {
	char *error;            /* NULL when no error; owned */
	char **warnings;        /* owned, in the order they were raised */
	size_t nwarnings;
	size_t cap;
	size_t dropped;         /* warnings past LB_LOG_MAX_WARNINGS */
};
void lb_log_init(struct lb_log *l);
/* Sets the error message (the first one wins: it is the cause). Returns status. */
int lb_log_error(struct lb_log *l, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lb_log_warn(struct lb_log *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Moves the warnings (and the error, if dst has none) of src to the end of dst. */
void lb_log_move(struct lb_log *dst, struct lb_log *src);
void lb_log_release(struct lb_log *l);

/* ---- strings ---- */
/* Writes s for humans: bytes that are not valid UTF-8, controls, DEL and
 * backslash as \xNN.  Appends to b; returns lb_buf_add's result. */
int lb_buf_add_escaped(struct lb_buf *b, const char *s, size_t n);
/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int lb_utf8_valid(const char *s, size_t n);
void lb_hex(char *out, const unsigned char *in, size_t n);  /* out: 2n+1 */
/* Parses 64 hex digits into 32 bytes; 0 or -1. */
int lb_unhex(unsigned char *out, const char *in, size_t n);
int lb_str_has_prefix(const char *s, const char *prefix);
/* The value of one hex digit, or -1. */
int lb_hexval(char ch);
/* Appends code point cp as UTF-8; nothing for NUL, a surrogate or a value
 * past U+10FFFF (text from an image never becomes invalid UTF-8).
 * Returns lb_buf_add's result. */
int lb_buf_add_utf8(struct lb_buf *b, unsigned long cp);
/* 1 when the JSON text s[0..len) nests brackets at most max deep (strings
 * skipped): checked before parsing, so that a hostile document is refused
 * cheaply instead of being built as a deep tree. */
int lb_json_depth_ok(const char *s, size_t len, int max);
int lb_str_has_suffix(const char *s, const char *suffix);

/* ---- executables ---- */
/* 1 when libmagic's MIME type names an ELF executable, PIE or shared
 * object: the files the streaming detectors of executables read. */
int lb_magic_is_elf(const char *magic);
/* 1 when the first bytes of an ELF file (p[0..n), the walker's 4 KiB
 * head) hold the note "Go" of type 4 (NT_GO_BUILDID) that the Go linker
 * puts right after the program headers: a Go binary. */
int lb_elf_has_go_note(const unsigned char *p, size_t n);

#endif
