/* stats.c: counts of issued credentials for the movement's computed indicators. */
#include <string.h>

#include "credentials/cred_int.h"

#define IN_SCOPE " JOIN units u ON u.id = c.unit_id WHERE u.path >= ? AND u.path < ?"

int edx_cred_stats_get(edx_db *db, const char *path_lo, const char *path_hi, int64_t from,
                       int64_t until, edx_cred_stats *out, edx_err *err)
{
    memset(out, 0, sizeof *out);
    static const char *const sql[] = {
        "SELECT COUNT(*) FROM credentials c" IN_SCOPE
        " AND c.type IN ('diploma', 'degree') AND c.status <> 'revoked'"
        " AND c.issued_at >= ? AND c.issued_at <= ?",
        "SELECT COUNT(*) FROM credentials c" IN_SCOPE
        " AND c.type = 'transcript' AND c.status <> 'revoked'"
        " AND c.issued_at >= ? AND c.issued_at <= ?",
        "SELECT COUNT(*) FROM credentials c" IN_SCOPE
        " AND c.type = 'skills' AND c.status <> 'revoked'"
        " AND c.issued_at >= ? AND c.issued_at <= ?",
    };
    int64_t *dst[] = {&out->diplomas, &out->transcripts, &out->skills};
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        int rc = edx_db_query_int(db, sql[i],
                                  EDX_DB_ARGS(EDX_DB_TEXT(path_lo), EDX_DB_TEXT(path_hi),
                                              EDX_DB_INT(from), EDX_DB_INT(until)),
                                  dst[i], err);
        if (rc < 0) return rc;
    }
    int rc = edx_db_query_int(db,
                              "SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id"
                              " WHERE u.path >= ? AND u.path < ? AND p.kind = 'learner'"
                              " AND p.status = 'active' AND p.created_at <= ?",
                              EDX_DB_ARGS(EDX_DB_TEXT(path_lo), EDX_DB_TEXT(path_hi),
                                          EDX_DB_INT(until)),
                              &out->learners, err);
    if (rc < 0) return rc;
    rc = edx_db_query_int(db,
                          "SELECT COUNT(*) FROM people p JOIN units u ON u.id = p.unit_id"
                          " WHERE u.path >= ? AND u.path < ? AND p.kind = 'learner'"
                          " AND p.status = 'active' AND p.created_at <= ? AND EXISTS"
                          " (SELECT 1 FROM credentials c JOIN units cu ON cu.id = c.unit_id"
                          "  WHERE c.nid_hash = p.nid_hash AND c.type = 'transcript'"
                          "  AND c.status <> 'revoked' AND c.issued_at <= ?"
                          "  AND cu.path >= ? AND cu.path < ?)",
                          EDX_DB_ARGS(EDX_DB_TEXT(path_lo), EDX_DB_TEXT(path_hi),
                                      EDX_DB_INT(until), EDX_DB_INT(until),
                                      EDX_DB_TEXT(path_lo), EDX_DB_TEXT(path_hi)),
                          &out->learners_with_transcript, err);
    return rc < 0 ? rc : 0;
}
