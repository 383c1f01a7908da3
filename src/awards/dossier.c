/*
 * dossier.c: a nomination's electronic dossier: one PDF (proposal, eligibility,
 * reports with their evidence listed by SHA-256, initiatives, council scores,
 * ballot minutes, public comments, decision, every step) and a ZIP of the
 * evidence files themselves with a SHA256SUMS manifest, so the two can be
 * checked against each other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "awards/awards_int.h"
#include "base/pdf.h"
#include "base/timeutil.h"
#include "json/json.h"
#include "movement/movement.h"
#include "review/review.h"

#define MAX_FILES 2000

/* What the dossier shows from other domains, read as the system (access was checked). */
typedef struct dossier {
    json_t *nom;       /* edx_nomination_get */
    json_t *reports;   /* [edx_report_get …] of the unit in the campaign */
    json_t *inits;     /* [edx_initiative_get …] of the unit */
    json_t *scores;    /* [{round, name, entry}] of closed rounds with the unit's entry */
    json_t *comments;  /* edx_nomination_comments */
    json_t *ballot;    /* edx_ballot_get or NULL */
} dossier;

static void dossier_free(dossier *d)
{
    json_decref(d->nom);
    json_decref(d->reports);
    json_decref(d->inits);
    json_decref(d->scores);
    json_decref(d->comments);
    json_decref(d->ballot);
}

static const char *s(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static int collect(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id, dossier *d,
                   edx_err *err)
{
    edx_principal sys;
    json_t *list = NULL, *rounds = NULL;
    memset(d, 0, sizeof *d);
    edx_principal_system(&sys);
    int rc = edx_nomination_get(db, a, p, id, &d->nom, err);
    if (rc < 0) return rc;
    const char *campaign = s(d->nom, "campaign");
    const char *unit = s(json_object_get(d->nom, "unit"), "code");
    d->reports = json_array();
    d->inits = json_array();
    d->scores = json_array();
    if (!d->reports || !d->inits || !d->scores) return edx_err_nomem(err);
    /* Progress reports of the unit, their current version. */
    if ((rc = edx_report_list(db, a, &sys, campaign, NULL, NULL, &list, err)) < 0) return rc;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(list, "reports"), i, it) {
        json_t *rep = NULL;
        if (strcmp(s(it, "unit"), unit) != 0) continue;
        if ((rc = edx_report_get(db, a, &sys, campaign, unit, s(it, "period"), 0, &rep, err)) < 0)
            break;
        json_array_append_new(d->reports, rep);
    }
    json_decref(list);
    list = NULL;
    if (rc < 0) return rc;
    /* The unit's own initiatives, with their evidence. */
    edx_initiative_query q = {unit, NULL, -1, NULL, 200, 0};
    if ((rc = edx_initiative_list(db, a, &sys, &q, &list, err)) < 0) return rc;
    json_array_foreach(json_object_get(list, "items"), i, it) {
        json_t *full = NULL;
        if (strcmp(s(json_object_get(it, "unit"), "code"), unit) != 0) continue;
        if ((rc = edx_initiative_get(db, a, &sys, json_integer_value(json_object_get(it, "id")),
                                     &full, err)) < 0)
            break;
        json_array_append_new(d->inits, full);
    }
    json_decref(list);
    if (rc < 0) return rc;
    /* Scores of closed rounds where the unit was an entry. */
    if ((rc = edx_review_progress(db, a, &sys, campaign, &rounds, err)) < 0) return rc;
    json_t *rl = json_is_array(rounds) ? rounds : json_object_get(rounds, "rounds");
    json_array_foreach(rl, i, it) {
        json_t *res = NULL;
        if (!s(it, "status") || strcmp(s(it, "status"), "closed") != 0) continue;
        if ((rc = edx_round_results(db, a, &sys, campaign, s(it, "code"), NULL, &res, err)) < 0)
            break;
        size_t k;
        json_t *e;
        json_array_foreach(json_object_get(res, "entries"), k, e) {
            if (s(e, "unit") && strcmp(s(e, "unit"), unit) == 0)
                json_array_append_new(d->scores, json_pack("{s:s,s:s,s:O,s:I}", "round",
                                                           s(it, "code"), "name", s(it, "name"),
                                                           "entry", e, "entries",
                                                           (json_int_t)json_array_size(json_object_get(res, "entries"))));
        }
        json_decref(res);
    }
    json_decref(rounds);
    if (rc < 0) return rc;
    if ((rc = edx_nomination_comments(db, a, &sys, id, &d->comments, err)) < 0) return rc;
    const json_t *b = json_object_get(d->nom, "ballot");
    if (json_is_object(b) &&
        (rc = edx_ballot_get(db, a, &sys, json_integer_value(json_object_get(b, "id")), &d->ballot,
                             err)) < 0)
        return rc;
    return 0;
}

/* ---- the PDF ---------------------------------------------------------------------------------- */

static const char *num(edx_arena *a, const json_t *v)
{
    if (json_is_integer(v)) return edx_arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_real(v)) return edx_arena_printf(a, "%.4g", json_real_value(v));
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_true(v)) return "có / yes";
    if (json_is_false(v)) return "không / no";
    return "—";
}

static const char *short_hash(edx_arena *a, const char *h)
{
    return h ? edx_arena_strndup(a, h, 16) : "";
}

static void pdf_reports(edx_pdf *pdf, edx_arena *a, const dossier *d)
{
    size_t i;
    json_t *rep;
    edx_pdf_heading(pdf, "3. Báo cáo tiến độ và minh chứng", "Progress reports and evidence");
    if (json_array_size(d->reports) == 0) edx_pdf_text(pdf, "Chưa có báo cáo. · No report.", 0);
    json_array_foreach(d->reports, i, rep) {
        edx_pdf_field(pdf, edx_arena_printf(a, "Kỳ %s", s(rep, "period")),
                      edx_arena_printf(a, "%s, phiên bản %lld", s(rep, "status"),
                                       (long long)json_integer_value(json_object_get(rep, "version"))));
        const json_t *vals = json_object_get(json_object_get(rep, "current"), "values");
        size_t n = json_array_size(vals), k;
        if (!n) continue;
        const char **cells = edx_arena_calloc(a, n * 3, sizeof *cells);
        json_t *v;
        json_array_foreach(vals, k, v) {
            cells[k * 3] = s(v, "indicator");
            cells[k * 3 + 1] = num(a, json_object_get(v, "value"));
            const json_t *ev = json_object_get(v, "evidence");
            char *list = "";
            size_t e;
            json_t *h;
            json_array_foreach(ev, e, h)
                list = edx_arena_printf(a, "%s%s%s…", list, *list ? ", " : "",
                                        short_hash(a, json_string_value(h)));
            cells[k * 3 + 2] = json_is_true(json_object_get(v, "computed")) ? "(tính từ dữ liệu / computed)" : list;
        }
        static const char *const head[] = {"Chỉ tiêu · Indicator", "Giá trị · Value",
                                           "Minh chứng (SHA-256) · Evidence"};
        static const double w[] = {0.3, 0.2, 0.5};
        edx_pdf_table(pdf, 3, head, cells, n, w);
    }
}

static void pdf_initiatives(edx_pdf *pdf, edx_arena *a, const dossier *d)
{
    size_t i, n = json_array_size(d->inits);
    json_t *it;
    edx_pdf_heading(pdf, "4. Sáng kiến", "Initiatives");
    if (!n) {
        edx_pdf_text(pdf, "Không có. · None.", 0);
        return;
    }
    const char **cells = edx_arena_calloc(a, n * 4, sizeof *cells);
    json_array_foreach(d->inits, i, it) {
        const json_t *rg = json_object_get(it, "recognition");
        cells[i * 4] = s(it, "title");
        cells[i * 4 + 1] = json_is_object(rg) ? edx_arena_printf(a, "%s, %s (%s)", s(rg, "body"),
                                                                 s(rg, "decision_number"), s(rg, "scope"))
                                              : "chưa công nhận / not recognised";
        cells[i * 4 + 2] = edx_arena_printf(a, "%zu", json_array_size(json_object_get(it, "adoptions")));
        cells[i * 4 + 3] = edx_arena_printf(a, "%zu", json_array_size(json_object_get(it, "evidence")));
    }
    static const char *const head[] = {"Tên · Title", "Công nhận · Recognition",
                                       "Nơi áp dụng · Adoptions", "Minh chứng · Files"};
    static const double w[] = {0.38, 0.38, 0.12, 0.12};
    edx_pdf_table(pdf, 4, head, cells, n, w);
}

static void pdf_scores(edx_pdf *pdf, edx_arena *a, const dossier *d)
{
    size_t i, n = json_array_size(d->scores);
    json_t *sc;
    static const char *const methods[] = {"mean", "trimmed", "zscore", "model"};
    edx_pdf_heading(pdf, "5. Điểm của hội đồng", "Council scores");
    if (!n) {
        edx_pdf_text(pdf, "Chưa có vòng chấm đã đóng. · No closed review round.", 0);
        return;
    }
    const char **cells = edx_arena_calloc(a, n * 5, sizeof *cells);
    json_array_foreach(d->scores, i, sc) {
        const json_t *e = json_object_get(sc, "entry");
        cells[i * 5] = edx_arena_printf(a, "%s (%lld đơn vị)", s(sc, "name"),
                                        (long long)json_integer_value(json_object_get(sc, "entries")));
        for (int m = 0; m < 4; m++) {
            const json_t *v = json_object_get(e, methods[m]);
            cells[i * 5 + 1 + m] =
                edx_arena_printf(a, "%.2f ± %.2f (#%lld)", json_number_value(json_object_get(v, "score")),
                                 json_number_value(json_object_get(v, "se")),
                                 (long long)json_integer_value(json_object_get(v, "rank")));
        }
    }
    static const char *const head[] = {"Vòng · Round", "Trung bình · Mean", "Cắt · Trimmed",
                                       "Chuẩn hoá z · z-score", "Mô hình · Model"};
    static const double w[] = {0.28, 0.18, 0.18, 0.18, 0.18};
    edx_pdf_table(pdf, 5, head, cells, n, w);
}

static void pdf_ballot(edx_pdf *pdf, edx_arena *a, const dossier *d, int64_t id)
{
    edx_pdf_heading(pdf, "6. Biên bản bỏ phiếu", "Ballot minutes");
    const json_t *b = d->ballot;
    if (!b) {
        edx_pdf_text(pdf, "Chưa bỏ phiếu. · No ballot yet.", 0);
        return;
    }
    edx_pdf_field(pdf, "Phiếu · Ballot", s(b, "title"));
    edx_pdf_field(pdf, "Hội đồng · Council", s(json_object_get(b, "round"), "name"));
    edx_pdf_field(pdf, "Thành viên / đã bỏ phiếu · Members / voted",
                  edx_arena_printf(a, "%lld / %lld",
                                   (long long)json_integer_value(json_object_get(b, "members")),
                                   (long long)json_integer_value(json_object_get(b, "voted"))));
    edx_pdf_field(pdf, "Bỏ phiếu kín · Secret", json_is_true(json_object_get(b, "secret")) ? "có / yes" : "không / no");
    edx_pdf_field(pdf, "Mở · Opened", s(b, "opens_at"));
    edx_pdf_field(pdf, "Hạn · Closes", s(b, "closes_at"));
    edx_pdf_field(pdf, "Kiểm phiếu · Counted", s(b, "closed_at") ? s(b, "closed_at") : "chưa / not yet");
    if (json_is_true(json_object_get(b, "closed_early")))
        edx_pdf_text(pdf, "Kết thúc sớm theo quyết định của chủ tịch hội đồng. · Closed early by the chair.", 1);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(b, "items"), i, it) {
        if (json_integer_value(json_object_get(it, "nomination_id")) != id) continue;
        if (!json_object_get(it, "yes")) continue;
        edx_pdf_field(pdf, "Kết quả · Result",
                      edx_arena_printf(a, "đồng ý %lld, không đồng ý %lld, không biểu quyết %lld; "
                                          "cần ≥ %lld%% của %s → %s",
                                       (long long)json_integer_value(json_object_get(it, "yes")),
                                       (long long)json_integer_value(json_object_get(it, "no")),
                                       (long long)json_integer_value(json_object_get(it, "abstain")),
                                       (long long)json_integer_value(json_object_get(it, "threshold")),
                                       strcmp(s(it, "base"), "all") == 0 ? "toàn thể thành viên (all members)"
                                                                         : "số có mặt (those present)",
                                       json_is_true(json_object_get(it, "passed")) ? "ĐẠT / PASSED"
                                                                                   : "KHÔNG ĐẠT / NOT PASSED"));
    }
}

static void pdf_comments(edx_pdf *pdf, edx_arena *a, const dossier *d)
{
    const json_t *post = json_object_get(d->nom, "posting");
    edx_pdf_heading(pdf, "7. Lấy ý kiến công khai", "Public posting and comments");
    if (!json_is_object(post)) {
        edx_pdf_text(pdf, "Chưa công khai. · Not posted yet.", 0);
        return;
    }
    edx_pdf_field(pdf, "Thời gian · Window",
                  edx_arena_printf(a, "%s → %s", s(post, "from"), s(post, "until")));
    const json_t *items = json_object_get(d->comments, "items");
    size_t i, n = json_array_size(items);
    json_t *c;
    edx_pdf_field(pdf, "Số ý kiến · Comments", edx_arena_printf(a, "%zu", n));
    if (!n) return;
    const char **cells = edx_arena_calloc(a, n * 3, sizeof *cells);
    json_array_foreach(items, i, c) {
        cells[i * 3] = s(c, "at");
        cells[i * 3 + 1] = s(c, "name");
        cells[i * 3 + 2] = s(c, "text");
    }
    static const char *const head[] = {"Lúc · At", "Người góp ý · From", "Nội dung · Comment"};
    static const double w[] = {0.22, 0.2, 0.58};
    edx_pdf_table(pdf, 3, head, cells, n, w);
}

int edx_nomination_dossier_pdf(edx_db *db, edx_arena *a, const edx_principal *p, int64_t id,
                               edx_buf *out, edx_err *err)
{
    dossier d = {0};
    int rc = collect(db, a, p, id, &d, err);
    if (rc < 0) {
        dossier_free(&d);
        return rc;
    }
    const json_t *n = d.nom, *el = json_object_get(n, "eligibility");
    const json_t *fname = json_object_get(n, "form_name"), *subj = json_object_get(n, "subject");
    edx_pdf *pdf = edx_pdf_open(out, "Hồ sơ đề nghị khen thưởng");
    if (!pdf) {
        dossier_free(&d);
        return edx_err_nomem(err);
    }
    edx_pdf_title(pdf, "Hồ sơ đề nghị khen thưởng · Award dossier",
                  edx_arena_printf(a, "%s — %s · %s %lld · hồ sơ số %lld", s(subj, "name"),
                                   s(fname, "vi"), s(n, "campaign"),
                                   (long long)json_integer_value(json_object_get(n, "candidate_year")),
                                   (long long)id));
    edx_pdf_heading(pdf, "1. Đề nghị", "Proposal");
    edx_pdf_field(pdf, "Đơn vị đề nghị · Unit",
                  edx_arena_printf(a, "%s (%s)", s(json_object_get(n, "unit"), "name"),
                                   s(json_object_get(n, "unit"), "code")));
    edx_pdf_field(pdf, "Đối tượng · Subject",
                  edx_arena_printf(a, "%s (%s)", s(subj, "name"),
                                   strcmp(s(subj, "kind"), "individual") == 0 ? "cá nhân / individual"
                                                                               : "tập thể / collective"));
    edx_pdf_field(pdf, "Hình thức · Form", edx_arena_printf(a, "%s · %s", s(fname, "vi"), s(fname, "en")));
    edx_pdf_field(pdf, "Trạng thái · Status", s(n, "status"));
    edx_pdf_field(pdf, "Người lập · Proposed by",
                  edx_arena_printf(a, "%s, %s", s(n, "created_by"), s(n, "created_at")));
    edx_pdf_text(pdf, s(n, "summary"), 0);

    edx_pdf_heading(pdf, "2. Điều kiện khen thưởng", "Eligibility");
    const json_t *rep = json_object_get(el, "report");
    edx_pdf_field(pdf, "Kết luận · Verdict", s(el, "verdict"));
    edx_pdf_text(pdf, s(json_object_get(rep, "summary"), "vi"), 0);
    edx_pdf_text(pdf, s(json_object_get(rep, "summary"), "en"), 1);
    if (json_is_true(json_object_get(el, "confirmed")))
        edx_pdf_field(pdf, "Xác nhận thủ công · Confirmed by hand",
                      edx_arena_printf(a, "%s: %s", s(el, "confirmed_by"), s(el, "confirm_note")));
    {
        const json_t *rules = json_object_get(rep, "rules");
        size_t i, nr = json_array_size(rules);
        json_t *r;
        if (nr) {
            const char **cells = edx_arena_calloc(a, nr * 4, sizeof *cells);
            json_array_foreach(rules, i, r) {
                const json_t *ex = json_object_get(r, "explanation");
                cells[i * 4] = edx_arena_printf(a, "%s v%lld", s(r, "id"),
                                                (long long)json_integer_value(json_object_get(r, "version")));
                cells[i * 4 + 1] = json_is_true(json_object_get(r, "verified")) ? "đã kiểm / verified"
                                                                              : "chưa kiểm / unverified";
                cells[i * 4 + 2] = s(r, "result");
                cells[i * 4 + 3] = s(json_object_get(ex, "message"), "vi");
            }
            static const char *const head[] = {"Quy tắc · Rule", "Căn cứ · Source", "Kết quả · Result",
                                               "Giải thích · Explanation"};
            static const double w[] = {0.22, 0.16, 0.12, 0.5};
            edx_pdf_table(pdf, 4, head, cells, nr, w);
        }
        size_t wi;
        json_t *wv;
        json_array_foreach(json_object_get(rep, "warnings"), wi, wv)
            edx_pdf_text(pdf, edx_arena_printf(a, "⚠ %s", s(json_object_get(wv, "message"), "vi")), 1);
    }
    pdf_reports(pdf, a, &d);
    pdf_initiatives(pdf, a, &d);
    pdf_scores(pdf, a, &d);
    pdf_ballot(pdf, a, &d, id);
    pdf_comments(pdf, a, &d);

    edx_pdf_heading(pdf, "8. Quyết định", "Decision");
    const json_t *dec = json_object_get(n, "decision");
    if (json_is_object(dec)) {
        edx_pdf_field(pdf, "Số · Number", s(dec, "number"));
        edx_pdf_field(pdf, "Ngày · Date", s(dec, "date"));
        edx_pdf_field(pdf, "Người ký · Issuer", s(dec, "issuer"));
        edx_pdf_field(pdf, "Chứng nhận số · Credential", s(n, "credential"));
    } else {
        edx_pdf_text(pdf, "Chưa có quyết định. · No decision yet.", 0);
    }
    const json_t *an = json_object_get(n, "annulment");
    if (json_is_object(an))
        edx_pdf_field(pdf, "HUỶ BỎ · ANNULLED", edx_arena_printf(a, "%s — %s", s(an, "at"), s(an, "reason")));

    edx_pdf_heading(pdf, "9. Các bước", "Steps (audited)");
    {
        const json_t *steps = json_object_get(n, "steps");
        size_t i, ns = json_array_size(steps);
        json_t *st;
        const char **cells = edx_arena_calloc(a, ns * 4 + 1, sizeof *cells);
        json_array_foreach(steps, i, st) {
            cells[i * 4] = s(st, "at");
            cells[i * 4 + 1] = s(st, "action");
            cells[i * 4 + 2] = s(st, "actor");
            cells[i * 4 + 3] = s(st, "note");
        }
        static const char *const head[] = {"Lúc · At", "Bước · Step", "Người · Actor", "Ghi chú · Note"};
        static const double w[] = {0.24, 0.18, 0.22, 0.36};
        edx_pdf_table(pdf, 4, head, cells, ns, w);
    }
    char when[32];
    edx_time_iso(edx_now(), when);
    edx_pdf_text(pdf, edx_arena_printf(a, "Xuất bởi edudx lúc %s. Các tệp minh chứng có trong "
                                          "evidence.zip, kiểm bằng SHA256SUMS. · Exported by edudx at "
                                          "%s; the evidence files are in evidence.zip, checked by "
                                          "SHA256SUMS.", when, when), 1);
    rc = edx_pdf_close(pdf, err);
    dossier_free(&d);
    return rc;
}

/* ---- the ZIP of evidence ---------------------------------------------------------------------- */

typedef struct zfile {
    const char *sha, *dir;
} zfile;

/* The file name's safe form inside the archive: no folders, no control characters. */
static char *safe_name(edx_arena *a, const char *name)
{
    char *s2 = edx_arena_strdup(a, name ? name : "file");
    for (char *q = s2; q && *q; q++)
        if (*q == '/' || *q == '\\' || (unsigned char)*q < 0x20 || *q == ':') *q = '_';
    return s2 && s2[0] != '.' ? s2 : edx_arena_printf(a, "_%s", s2 ? s2 : "");
}

int edx_nomination_evidence_zip(edx_db *db, edx_arena *a, const edx_principal *p,
                                const struct edx_evidence_cfg *cfg, int64_t id, edx_buf *out,
                                edx_err *err)
{
    dossier d = {0};
    zfile *files = edx_arena_calloc(a, MAX_FILES, sizeof *files);
    if (!files) return edx_err_nomem(err);
    size_t nf = 0;
    edx_buf sums = {0};
    zip_source_t *src = NULL;
    zip_t *z = NULL;
    zip_error_t ze;
    edx_principal sys;
    edx_principal_system(&sys);
    zip_error_init(&ze);
    int rc = collect(db, a, p, id, &d, err);
    if (rc < 0) goto done;
    size_t i, k, e;
    json_t *rep, *v, *h, *it;
    json_array_foreach(d.reports, i, rep) {
        json_array_foreach(json_object_get(json_object_get(rep, "current"), "values"), k, v) {
            json_array_foreach(json_object_get(v, "evidence"), e, h) {
                if (nf < MAX_FILES)
                    files[nf++] = (zfile){json_string_value(h),
                                          edx_arena_printf(a, "reports/%s/%s", s(rep, "period"),
                                                           s(v, "indicator"))};
            }
        }
    }
    json_array_foreach(d.inits, i, it) {
        json_array_foreach(json_object_get(it, "evidence"), e, h) {
            if (nf < MAX_FILES)
                files[nf++] = (zfile){json_string_value(h),
                                      edx_arena_printf(a, "initiatives/%lld",
                                                       (long long)json_integer_value(json_object_get(it, "id")))};
        }
    }
    if (!(src = zip_source_buffer_create(NULL, 0, 0, &ze))) goto zerr;
    zip_source_keep(src);
    if (!(z = zip_open_from_source(src, ZIP_TRUNCATE, &ze))) goto zerr;
    for (i = 0; i < nf; i++) {
        edx_evidence_file f;
        if (!files[i].sha) continue;
        if ((rc = edx_evidence_get(db, a, &sys, cfg, files[i].sha, &f, err)) < 0) goto done;
        const char *name = edx_arena_printf(a, "%s/%.12s-%s", files[i].dir, files[i].sha,
                                            safe_name(a, f.name));
        zip_source_t *fs = zip_source_buffer(z, f.data, f.size, 1);
        if (!fs) {
            free(f.data);
            goto zerr_z;
        }
        if (zip_file_add(z, name, fs, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(fs);
            goto zerr_z;
        }
        edx_buf_printf(&sums, "%s  %s\n", files[i].sha, name);
    }
    if (sums.oom) {
        rc = edx_err_nomem(err);
        goto done;
    }
    zip_source_t *ms = zip_source_buffer(z, sums.data ? sums.data : "", sums.len, 0);
    if (!ms || zip_file_add(z, "SHA256SUMS", ms, ZIP_FL_ENC_UTF_8) < 0) {
        zip_source_free(ms);
        goto zerr_z;
    }
    if (zip_close(z) < 0) goto zerr_z;
    z = NULL;
    zip_stat_t st;
    if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0) goto zerr_src;
    if (edx_buf_reserve(out, (size_t)st.size) < 0) {
        zip_source_close(src);
        rc = edx_err_nomem(err);
        goto done;
    }
    zip_int64_t got = zip_source_read(src, out->data + out->len, st.size);
    zip_source_close(src);
    if (got < 0 || (zip_uint64_t)got != st.size) goto zerr_src;
    out->len += (size_t)got;
    rc = 0;
    goto done;
zerr_z:
    zip_error_set(&ze, zip_error_code_zip(zip_get_error(z)), 0);
    goto zerr;
zerr_src:
    zip_error_set(&ze, zip_error_code_zip(zip_source_error(src)), 0);
zerr:
    rc = edx_err_set(err, EDX_EINTERNAL, 500, "zip_failed", "", "the ZIP could not be made: %s",
                     zip_error_strerror(&ze));
done:
    if (z) zip_discard(z);
    if (src) zip_source_free(src);
    zip_error_fini(&ze);
    edx_buf_free(&sums);
    dossier_free(&d);
    return rc;
}
