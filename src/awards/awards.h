/*
 * awards.h: the reward side of the movement (docs/nominations.md): each subject's
 * recorded award and rating history, nominations from proposal to decision,
 * council ballots, the public posting window, decisions that issue an award
 * credential, annulments and the electronic dossier. Eligibility itself is
 * rules.h: this module feeds it the recorded history.
 */
#ifndef EDX_AWARDS_H
#define EDX_AWARDS_H

#include <jansson.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "registry/registry.h"
#include "store/db.h"

/*
 * Awards decided in `campaign` (nominations in status "decided", not annulled) for
 * units whose path is in [path_lo, path_hi) (NULL, NULL: all), for reports across
 * domains. *out (caller owns): {"UNITCODE": [{"form","form_name":{vi,en},"year",
 * "decision":{number,date,issuer},"subject":{kind,name}}…], …}.
 */
int edx_awards_decided(edx_db *db, const char *campaign, const char *path_lo,
                       const char *path_hi, json_t **out, edx_err *err);

#endif
