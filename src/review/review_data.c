/* review_data.c: what other domains' reports read of the review rounds. */
#include "review/review.h"

#include "movement/movement.h"

int edx_round_latest_closed(edx_db *db, edx_arena *a, const char *campaign, const char **code,
                            const char **name, const char **stage, edx_err *err)
{
    edx_rows *rows = NULL;
    int64_t cid = 0;
    *code = *name = *stage = NULL;
    int rc = edx_campaign_id(db, campaign, &cid, err);
    if (rc < 0) return rc;
    rc = edx_db_query(db, &rows,
                      "SELECT code, name, stage FROM review_rounds WHERE campaign_id = ?"
                      " AND status = 'closed' ORDER BY created_at DESC, id DESC LIMIT 1",
                      EDX_DB_ARGS(EDX_DB_INT(cid)), err);
    if (rc < 0) return rc;
    if ((rc = edx_rows_next(rows, err)) > 0) {
        *code = edx_arena_strdup(a, edx_rows_text(rows, 0));
        *name = edx_arena_strdup(a, edx_rows_text(rows, 1));
        *stage = edx_arena_strdup(a, edx_rows_text(rows, 2));
        if (!*code || !*name || !*stage) rc = edx_err_nomem(err);
    }
    edx_rows_close(rows);
    return rc < 0 ? rc : 0;
}
