/*
 * dashboard.c: the ministry dashboard of a campaign.
 *
 * Its figures are aggregates over every unit in the caller's scope (tens of
 * thousands of rows), read far more often than the store changes. So an answer
 * is kept, per campaign, scope and role, tagged with the audit log's sequence
 * number: while no write has happened since (one indexed read tells), the kept
 * answer is current and is served as it is. Every instance keeps its own; all of
 * them see the same sequence number in a shared store.
 */
#include "reports/reports.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "movement/movement.h"
#include "review/review.h"

#define SLOTS 64

typedef struct slot {
    char key[320];
    int64_t seq, used;
    json_t *value;
} slot;

static slot cache[SLOTS];
static int64_t clock_tick;
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static json_t *cache_get(const char *key, int64_t seq)
{
    json_t *v = NULL;
    pthread_mutex_lock(&cache_mu);
    for (int i = 0; i < SLOTS; i++)
        if (cache[i].value && cache[i].seq == seq && strcmp(cache[i].key, key) == 0) {
            cache[i].used = ++clock_tick;
            v = json_deep_copy(cache[i].value);
            break;
        }
    pthread_mutex_unlock(&cache_mu);
    return v;
}

static void cache_put(const char *key, int64_t seq, const json_t *value)
{
    json_t *copy = json_deep_copy(value);
    if (!copy) return;
    pthread_mutex_lock(&cache_mu);
    int at = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (strcmp(cache[i].key, key) == 0 || !cache[i].value) {
            at = i;
            break;
        }
        if (cache[i].used < cache[at].used) at = i;
    }
    json_decref(cache[at].value);
    snprintf(cache[at].key, sizeof cache[at].key, "%s", key);
    cache[at].seq = seq;
    cache[at].used = ++clock_tick;
    cache[at].value = copy;
    pthread_mutex_unlock(&cache_mu);
}

int edx_dashboard(edx_db *db, edx_arena *a, const edx_principal *p, const char *campaign,
                  json_t **out, edx_err *err)
{
    json_t *rounds = NULL;
    const char *lo, *hi;
    int64_t seq = 0;
    int rc = edx_scope_range(a, p, &lo, &hi, err);
    if (rc < 0) return rc;
    if ((rc = edx_audit_seq(db, &seq, err)) < 0) return rc;
    char key[320];
    snprintf(key, sizeof key, "%.100s|%.200s|%d", campaign, lo, (int)p->role);
    if ((*out = cache_get(key, seq))) return 0;
    if ((rc = edx_campaign_summary(db, a, p, campaign, out, err)) < 0) return rc;
    if ((rc = edx_review_progress(db, a, p, campaign, &rounds, err)) < 0) {
        json_decref(*out);
        *out = NULL;
        return rc;
    }
    json_object_set_new(*out, "rounds", rounds);
    cache_put(key, seq, *out);
    return 0;
}
