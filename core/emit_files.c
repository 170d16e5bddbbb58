/* SPDX-License-Identifier: Apache-2.0 */
#include "emit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void hex_or_dash(char out[65], const struct lb_entry *e)
{
	if (e->type == LB_FT_FILE && (e->flags & LB_EF_HASHED))
		lb_hex(out, e->sha256, 32);
	else
		memcpy(out, "-", 2);
}

int lb_emit_files(const struct lb_scan *s, int all_layers, enum lb_files_format fmt, FILE *out)
{
	struct lb_view all;
	const struct lb_view *v = &s->view;
	struct lb_buf line;
	int status = 0;

	if (all_layers) {
		lb_view_all_layers(s->layers, s->nlayers, &all);
		v = &all;
	}
	lb_buf_init(&line, (size_t)64 << 10);
	if (fmt == LB_FILES_TSV)
		fputs("path\ttype\tmode\tsize\tsha256\tlayer\n", out);
	else
		fputs("[", out);
	for (size_t i = 0; i < v->n; i++) {
		const struct lb_entry *e = v->v[i];
		char hex[65];

		line.len = 0;
		lb_buf_add_escaped(&line, e->path, strlen(e->path));
		hex_or_dash(hex, e);
		if (fmt == LB_FILES_TSV) {
			fprintf(out, "%s\t%s\t%04o\t%llu\t%s\t%s\n", line.p, lb_ftype_name(e->type),
				(unsigned)e->mode, (unsigned long long)e->size, hex,
				lb_scan_layer_id(s, e->layer));
		} else {
			char mode[8], *txt;
			json_t *o;

			snprintf(mode, sizeof(mode), "%04o", (unsigned)e->mode);
			o = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "path", line.p, "type",
				      lb_ftype_name(e->type), "mode", mode, "size", (json_int_t)e->size,
				      "sha256", hex, "layer", lb_scan_layer_id(s, e->layer));
			if (e->type == LB_FT_SYMLINK) {
				struct lb_buf t;

				lb_buf_init(&t, LB_MAX_PATH * 4 + 16);
				lb_buf_add_escaped(&t, e->link_target, strlen(e->link_target));
				json_object_set_new(o, "target", json_string(t.p ? t.p : ""));
				lb_buf_release(&t);
			}
			txt = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fprintf(out, "%s\n  %s", i ? "," : "", txt);
			free(txt);
			json_decref(o);
		}
	}
	if (fmt == LB_FILES_JSON)
		fputs(v->n ? "\n]\n" : "]\n", out);
	lb_buf_release(&line);
	if (all_layers)
		lb_view_release(&all);
	if (fflush(out) != 0 || ferror(out))
		status = LB_ERR_OUTPUT;
	return status;
}
