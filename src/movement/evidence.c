/*
 * evidence.c: evidence files (minh chứng), stored by content.
 *
 * A file is accepted only when its bytes are one of the kinds a report may carry
 * (PDF, PNG, JPEG, WebP, Office Open XML and OpenDocument files without macros)
 * and agree with the name and type it was sent with. It is written once under
 * DIR/ab/cd/<sha256> (temporary file, fsync, rename, fsync of the folder) and
 * only then recorded in the store, in one transaction with its audit record: a
 * crash can leave a file no row names (reused by the next upload of the same
 * bytes), never a row without its file. An upload row ties the file to the unit
 * it was sent for; whoever may read that unit may download it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/timeutil.h"
#include "base/utf8.h"
#include "crypto/crypto.h"
#include "json/json.h"
#include "movement/movement.h"

/* ---- what a file is ------------------------------------------------------------------------ */

typedef struct kind {
    const char *media_type, *label;
    const char *const exts[3];
} kind;

static const kind kinds[] = {
    {"application/pdf", "PDF", {"pdf"}},
    {"image/png", "PNG image", {"png"}},
    {"image/jpeg", "JPEG image", {"jpg", "jpeg"}},
    {"image/webp", "WebP image", {"webp"}},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document",
     {"docx"}},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel workbook",
     {"xlsx"}},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation",
     "PowerPoint presentation", {"pptx"}},
    {"application/vnd.oasis.opendocument.text", "OpenDocument text", {"odt"}},
    {"application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", {"ods"}},
    {"application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", {"odp"}},
};

static int has(const unsigned char *d, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    if (k > n) return 0;
    for (size_t i = 0; i + k <= n; i++)
        if (d[i] == (unsigned char)needle[0] && memcmp(d + i, needle, k) == 0) return 1;
    return 0;
}

static int starts(const unsigned char *d, size_t n, const void *magic, size_t k)
{
    return n >= k && memcmp(d, magic, k) == 0;
}

/*
 * The kind of `data`, or NULL with *why saying what it is instead. Zip-based
 * office files are told apart by the part names their headers carry (names
 * are stored uncompressed); one with a macro project is refused.
 */
const char *edx_evidence_sniff(const void *data, size_t n, const char **why)
{
    const unsigned char *d = data;
    *why = NULL;
    if (starts(d, n, "%PDF-", 5)) return kinds[0].media_type;
    if (starts(d, n, "\x89PNG\r\n\x1a\n", 8)) return kinds[1].media_type;
    if (starts(d, n, "\xff\xd8\xff", 3)) return kinds[2].media_type;
    if (n >= 12 && starts(d, n, "RIFF", 4) && memcmp(d + 8, "WEBP", 4) == 0)
        return kinds[3].media_type;
    if (starts(d, n, "PK\x03\x04", 4)) {
        if (has(d, n, "vbaProject.bin") || has(d, n, "vbaData.xml")) {
            *why = "an Office file with macros";
            return NULL;
        }
        if (n > 38 && memcmp(d + 30, "mimetype", 8) == 0) {
            if (has(d, n < 200 ? n : 200, "application/vnd.oasis.opendocument.text"))
                return kinds[7].media_type;
            if (has(d, n < 200 ? n : 200, "application/vnd.oasis.opendocument.spreadsheet"))
                return kinds[8].media_type;
            if (has(d, n < 200 ? n : 200, "application/vnd.oasis.opendocument.presentation"))
                return kinds[9].media_type;
        }
        if (has(d, n, "[Content_Types].xml")) {
            if (has(d, n, "word/document.xml")) return kinds[4].media_type;
            if (has(d, n, "xl/workbook.xml")) return kinds[5].media_type;
            if (has(d, n, "ppt/presentation.xml")) return kinds[6].media_type;
        }
        *why = "a ZIP archive";
        return NULL;
    }
    if (starts(d, n, "MZ", 2)) *why = "a Windows program";
    else if (starts(d, n, "\x7f" "ELF", 4)) *why = "a program";
    else if (starts(d, n, "#!", 2)) *why = "a script";
    else if (starts(d, n, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8))
        *why = "an old Office file (.doc, .xls, .ppt), which can carry macros: save it as PDF, "
               ".docx or .xlsx";
    else {
        size_t k = n < 512 ? n : 512;
        int markup = 0;
        for (size_t i = 0; i < k && !markup; i++)
            if (d[i] == '<' && i + 4 < n &&
                (strncasecmp((const char *)d + i + 1, "html", 4) == 0 ||
                 strncasecmp((const char *)d + i + 1, "svg", 3) == 0 ||
                 strncasecmp((const char *)d + i + 1, "scri", 4) == 0 ||
                 strncasecmp((const char *)d + i + 1, "!doc", 4) == 0))
                markup = 1;
        *why = markup ? "a web page or SVG (they can run scripts)" : "of a kind not accepted";
    }
    return NULL;
}

static const kind *kind_of(const char *media_type)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].media_type, media_type) == 0) return &kinds[i];
    return NULL;
}

/* ---- the folder ---------------------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp) return -1;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(tmp, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

static int fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* DIR/ab/cd/<hex>, and its folder DIR/ab/cd (the evidence folder's path is at most 4000 bytes). */
static void object_path(const char *dir, const char *hex, char path[4200], char folder[4200])
{
    snprintf(folder, 4200, "%.4000s/%.2s/%.2s", dir, hex, hex + 2);
    snprintf(path, 4200, "%.4000s/%.2s/%.2s/%.64s", dir, hex, hex + 2, hex);
}

/* Write the bytes under their hash, durably, unless they are there already. */
static int store_object(const char *dir, const char *hex, const void *data, size_t n, edx_err *err)
{
    char path[4200], folder[4200], tmpdir[4200], tmp[4300];
    struct stat st;
    object_path(dir, hex, path, folder);
    if (stat(path, &st) == 0 && (size_t)st.st_size == n) return 0;
    snprintf(tmpdir, sizeof tmpdir, "%s/tmp", dir);
    if (mkdir_p(folder) != 0 || mkdir_p(tmpdir) != 0) goto io;
    snprintf(tmp, sizeof tmp, "%s/upload-XXXXXX", tmpdir);
    int fd = mkstemp(tmp);
    if (fd < 0) goto io;
    const char *p = data;
    size_t left = n;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            goto io;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fchmod(fd, 0640) != 0 || fsync(fd) != 0) {
        close(fd);
        unlink(tmp);
        goto io;
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        goto io;
    }
    if (fsync_dir(folder) != 0) goto io;
    return 0;
io:
    return edx_err_set(err, EDX_EIO, 500, "storage_failed", "",
                       "the evidence file could not be stored (%s)", strerror(errno));
}

/* ---- uploads ------------------------------------------------------------------------------- */

/* The file name a person gave, cleaned: no folders, no control characters, at most 200 bytes. */
static int clean_name(edx_arena *a, const char *name, char **out, edx_err *err)
{
    if (!name || !*name) return edx_err_invalid(err, "name", "the file needs a name");
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *bs = strrchr(base, '\\');
    base = bs ? bs + 1 : base;
    return edx_text_clean(a, base, 1, 200, "name", out, err);
}

/* The extension of `name` in lower case ("" when none), into `ext`. */
static void extension(const char *name, char ext[12])
{
    const char *dot = strrchr(name, '.');
    ext[0] = '\0';
    if (!dot || strlen(dot + 1) >= 12) return;
    size_t i = 0;
    for (const char *p = dot + 1; *p; p++) ext[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    ext[i] = '\0';
}

int edx_evidence_put(edx_db *db, edx_arena *a, const edx_principal *p, const edx_evidence_cfg *cfg,
                     const char *unit, const char *name, const char *declared_type,
                     const void *data, size_t len, json_t **out, edx_err *err)
{
    edx_unit_ref u;
    char *clean = NULL, ext[12], hex[EDX_SHA256_HEX];
    const char *why = NULL;
    if (len == 0) return edx_err_invalid(err, "file", "the file is empty");
    if (len > cfg->max_bytes)
        return edx_err_set(err, EDX_ELIMIT, 413, "file_too_large", "file",
                           "the file has %zu bytes; evidence files may have at most %zu", len,
                           cfg->max_bytes);
    int rc = clean_name(a, name, &clean, err);
    if (rc < 0) return rc;
    if (!clean) return edx_err_nomem(err);
    if ((rc = edx_unit_ref_get(db, a, p, unit, 1, "unit", &u, err)) < 0) return rc;
    const char *type = edx_evidence_sniff(data, len, &why);
    if (!type)
        return edx_err_set(err, EDX_EINVAL, 415, "unsupported_file", "file",
                           "%s is %s; evidence may be PDF, PNG, JPEG, WebP, .docx, .xlsx, .pptx "
                           "or OpenDocument files",
                           clean, why);
    const kind *k = kind_of(type);
    extension(clean, ext);
    int ext_ok = 0;
    for (size_t i = 0; i < 3 && k->exts[i]; i++)
        if (strcmp(ext, k->exts[i]) == 0) ext_ok = 1;
    if (!ext_ok)
        return edx_err_set(err, EDX_EINVAL, 400, "type_mismatch", "name",
                           "%s is named .%s but its content is a %s", clean, ext[0] ? ext : "(none)",
                           k->label);
    if (declared_type && *declared_type && strncasecmp(declared_type, "application/octet-stream", 24) != 0 &&
        strncasecmp(declared_type, type, strlen(type)) != 0)
        return edx_err_set(err, EDX_EINVAL, 400, "type_mismatch", "type",
                           "%s was sent as %.80s but its content is a %s", clean, declared_type,
                           k->label);
    edx_sha256_hex(data, len, hex);
    if ((rc = store_object(cfg->dir, hex, data, len, err)) < 0) return rc;

    int64_t now = edx_now();
    if ((rc = edx_db_begin(db, err)) < 0) return rc;
    rc = edx_db_exec(db,
                     "INSERT INTO evidence_files (sha256, size, media_type, created_at)"
                     " VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                     EDX_DB_ARGS(EDX_DB_TEXT(hex), EDX_DB_INT((int64_t)len), EDX_DB_TEXT(type),
                                 EDX_DB_INT(now)),
                     err);
    if (rc >= 0)
        rc = edx_db_exec(db,
                         "INSERT INTO evidence_uploads (sha256, unit_id, name, uploaded_by,"
                         " uploaded_at) VALUES (?, ?, ?, ?, ?)"
                         " ON CONFLICT (sha256, unit_id, name) DO NOTHING",
                         EDX_DB_ARGS(EDX_DB_TEXT(hex), EDX_DB_INT(u.id), EDX_DB_TEXT(clean),
                                     EDX_DB_TEXT(p->actor), EDX_DB_INT(now)),
                         err);
    char target[96];
    snprintf(target, sizeof target, "evidence:%.16s", hex);
    json_t *detail = json_pack("{s:s,s:s,s:s,s:I}", "unit", u.code, "name", clean, "type", type,
                               "size", (json_int_t)len);
    rc = edx_audit_commit(db, p->actor, "evidence.upload", target, NULL, NULL, detail,
                          rc < 0 ? rc : 0, err);
    json_decref(detail);
    if (rc < 0) return rc;
    *out = json_pack("{s:s,s:s,s:s,s:I,s:s}", "sha256", hex, "name", clean, "media_type", type,
                     "size", (json_int_t)len, "unit", u.code);
    return *out ? 0 : edx_err_nomem(err);
}

int edx_evidence_check(edx_db *db, edx_arena *a, const edx_principal *p, const char *sha256,
                       const char *field, edx_err *err)
{
    const char *lo = "", *hi = "";
    int64_t n = 0;
    if (!sha256 || strlen(sha256) != 64 || strspn(sha256, "0123456789abcdef") != 64)
        return edx_err_invalid(err, field, "%s must be the SHA-256 (64 hex digits) of an uploaded "
                               "file", field);
    if (edx_scope_range(a, p, &lo, &hi, err) < 0) edx_err_clear(err); /* no unit: none in scope */
    int rc = edx_db_query_int(db,
                          "SELECT COUNT(*) FROM evidence_uploads e JOIN units u ON u.id = e.unit_id"
                          " WHERE e.sha256 = ? AND u.path >= ? AND u.path < ?",
                          EDX_DB_ARGS(EDX_DB_TEXT(sha256), EDX_DB_TEXT(lo), EDX_DB_TEXT(hi)), &n,
                          err);
    if (rc < 0) return rc;
    /* An initiative's evidence is there for everyone who may copy it: every signed-in user. */
    if (n == 0 && p->role != EDX_ROLE_PUBLIC)
        rc = edx_db_query_int(db, "SELECT COUNT(*) FROM initiatives WHERE evidence LIKE ?",
                              EDX_DB_ARGS(EDX_DB_TEXT(edx_arena_printf(a, "%%\"%s\"%%", sha256))),
                              &n, err);
    if (rc < 0) return rc;
    if (n == 0)
        return edx_err_set(err, EDX_ENOTFOUND, 404, "not_found", field,
                           "no evidence file %.16s… that you may read", sha256);
    return 0;
}

int edx_evidence_get(edx_db *db, edx_arena *a, const edx_principal *p, const edx_evidence_cfg *cfg,
                     const char *sha256, edx_evidence_file *out, edx_err *err)
{
    char path[4200], folder[4200];
    edx_rows *r = NULL;
    memset(out, 0, sizeof *out);
    int rc = edx_evidence_check(db, a, p, sha256, "sha256", err);
    if (rc < 0) return rc;
    rc = edx_db_query(db, &r,
                      "SELECT f.media_type, f.size, (SELECT MIN(name) FROM evidence_uploads e"
                      " WHERE e.sha256 = f.sha256) FROM evidence_files f WHERE f.sha256 = ?",
                      EDX_DB_ARGS(EDX_DB_TEXT(sha256)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(r, err)) > 0) {
        out->media_type = edx_arena_strdup(a, edx_rows_text(r, 0));
        out->size = (size_t)edx_rows_int(r, 1);
        out->name = edx_arena_strdup(a, edx_rows_text(r, 2));
    }
    edx_rows_close(r);
    if (rc < 0) return rc;
    if (rc == 0) return edx_err_notfound(err, "evidence file");
    object_path(cfg->dir, sha256, path, folder);
    FILE *f = fopen(path, "rb");
    char *buf = f ? malloc(out->size ? out->size : 1) : NULL;
    size_t got = buf ? fread(buf, 1, out->size, f) : 0;
    if (f) fclose(f);
    if (!buf || got != out->size) {
        free(buf);
        return edx_err_set(err, EDX_EIO, 500, "storage_failed", "",
                           "the evidence file %.16s… is missing from the evidence folder", sha256);
    }
    /* The name says what was stored: check the bytes still are. */
    char hex[EDX_SHA256_HEX];
    edx_sha256_hex(buf, got, hex);
    if (strcmp(hex, sha256) != 0) {
        free(buf);
        return edx_err_set(err, EDX_EIO, 500, "storage_failed", "",
                           "the evidence file %.16s… is damaged", sha256);
    }
    out->data = buf;
    return 0;
}

edx_evidence_cfg edx_evidence_cfg_for(const char *dir, size_t max_upload)
{
    edx_evidence_cfg e = {dir ? dir : "var/evidence", EDX_EVIDENCE_MAX_DEFAULT};
    if (max_upload < e.max_bytes) e.max_bytes = max_upload;
    return e;
}
