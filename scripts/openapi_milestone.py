#!/usr/bin/env python3
"""Describe the 2027/2030 review routes in docs/openapi.json.

Idempotent: it sets (not appends) the two paths, their parameters and schemas, so running it
again after an edit of this file rewrites them and changes nothing else. Keys keep the file's
order; new keys go at the end. Run from the repository root: scripts/openapi_milestone.py
"""
import json
import sys

DOC = "docs/openapi.json"
ROLES = ["ministry_admin", "unit_admin"]
SECURITY = [{"session": []}, {"bearer": []}]

NUM_OR_NULL = {"type": ["number", "null"]}
INT = {"type": "integer"}


def ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def group_schema(key):
    props = {
        "eligible": INT, "registered": INT, "reported": INT, "initiatives": INT,
        "recognised": INT, "adoptions": INT, "awards": INT,
        "review_mean": {**NUM_OR_NULL, "description": "Mean model score of the units scored in the latest closed round."},
        "indicators": {"type": "object", "additionalProperties": ref("schemas", "MilestoneIndicatorAggregate"),
                       "description": "Per indicator code."},
    }
    required = list(props)
    if key:
        props = {key: {"type": ["string", "null"]}, "name": {"type": ["string", "null"]},
                 "name_en": {"type": ["string", "null"]}, **props}
        required = [key, "name", "name_en", *required]
    return {"type": "object", "additionalProperties": False, "required": required, "properties": props}


SCHEMAS = {
    "MilestoneIndicatorAggregate": {
        "type": "object", "additionalProperties": False,
        "required": ["pledged", "reported", "compared", "met", "mean_achievement", "target_total", "value_total"],
        "properties": {
            "pledged": {**INT, "description": "Units with a pledge for the milestone's phase."},
            "reported": {**INT, "description": "Units with a value up to the milestone."},
            "compared": {**INT, "description": "Units with both."},
            "met": {**INT, "description": "Of those, units whose value reaches the pledge."},
            "mean_achievement": {**NUM_OR_NULL, "description": "Mean of the units' achievement ratios, each capped at 1."},
            "target_total": {**NUM_OR_NULL, "description": "Sum of the pledges (count indicators only)."},
            "value_total": {**NUM_OR_NULL, "description": "Sum of the values (count indicators only)."},
        },
    },
    "MilestoneUnitIndicator": {
        "type": "object", "additionalProperties": False,
        "description": "One indicator of one unit. Members without a value are left out.",
        "properties": {
            "pledge": {"type": "number", "description": "The target pledged for the phase the milestone ends."},
            "value": {**NUM_OR_NULL, "description": "Reported, or computed at submission."},
            "period": {"type": "string", "description": "The report the value comes from: 2026, 2026-S1, 2026-S2."},
            "status": {"enum": ["accepted", "submitted"]},
            "achievement": {"type": "number", "description": "value / pledge (pledge / value when lower is better), 3 decimals."},
            "met": {"type": "boolean"},
        },
    },
    "MilestoneUnit": {
        "type": "object", "additionalProperties": False,
        "required": ["code", "name", "type", "province", "reported", "indicators", "initiatives", "review", "awards"],
        "properties": {
            "code": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"},
            "province": {"type": ["string", "null"]},
            "reported": {"type": "boolean", "description": "A report submitted or accepted for a period up to the milestone."},
            "indicators": {"type": "object", "additionalProperties": ref("schemas", "MilestoneUnitIndicator"),
                           "description": "Per indicator code, those with a pledge or a value."},
            "initiatives": {"type": "object", "additionalProperties": False,
                            "required": ["submitted", "recognised", "adoptions"],
                            "properties": {"submitted": INT, "recognised": INT, "adoptions": INT}},
            "review": {
                "type": ["object", "null"], "additionalProperties": False,
                "description": "The unit's line in the latest closed round, or null.",
                "required": ["score", "se", "rank", "province_rank", "near_tie", "mean"],
                "properties": {"score": {"type": "number", "description": "The additive model's score."},
                               "se": {"type": "number"}, "rank": INT, "province_rank": INT,
                               "near_tie": {"type": "boolean"},
                               "mean": {"type": "number", "description": "The raw weighted mean, for comparison."}}},
            "awards": {"type": "array", "items": {"type": "object"},
                       "description": "Awards decided in the campaign (see the nominations)."},
        },
    },
    "MilestoneReview": {
        "type": "object", "additionalProperties": False,
        "required": ["campaign", "milestone", "phase", "scope", "generated_at", "indicators", "round", "totals",
                     "provinces", "types", "periods", "units"],
        "properties": {
            "campaign": {"type": "object"},
            "milestone": {"type": "object", "required": ["code", "kind", "on", "phase"]},
            "phase": {"type": "object", "required": ["code", "starts_on", "ends_on"]},
            "scope": {"type": ["string", "null"], "description": "The unit whose subtree is reported (query `unit`), or null."},
            "generated_at": {"type": "string", "format": "date-time"},
            "indicators": {"type": "array", "items": {"type": "object", "required": ["code", "name", "kind", "unit"]}},
            "round": {
                "type": ["object", "null"], "additionalProperties": False,
                "description": "The latest closed review round of the campaign, or null.",
                "required": ["code", "name", "stage", "entries", "score"],
                "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                               "stage": {"enum": ["screening", "scoring", "final"]}, "entries": INT,
                               "score": {"const": "model"}}},
            "totals": group_schema(None),
            "provinces": {"type": "array", "items": group_schema("province")},
            "types": {"type": "array", "items": group_schema("type")},
            "periods": {"type": "array", "items": {
                "type": "object", "additionalProperties": False,
                "required": ["period", "submitted", "accepted", "returned", "draft"],
                "properties": {"period": {"type": "string"}, "submitted": INT, "accepted": INT, "returned": INT, "draft": INT}}},
            "units": {"type": "array", "items": ref("schemas", "MilestoneUnit")},
        },
    },
}

PARAMETERS = {
    "MilestonePath": {"name": "milestone", "in": "path", "required": True,
                      "description": "A milestone code of the campaign.", "schema": {"type": "string"},
                      "example": "TONG-KET-2030"},
    "MilestoneUnit": {"name": "unit", "in": "query", "required": False,
                      "description": "Report the subtree of this unit only (one the caller may read).",
                      "schema": {"type": "string"}},
    "MilestoneFormat": {"name": "format", "in": "query", "required": False,
                        "description": "json (default), csv (one level), xlsx (a sheet per level) or pdf.",
                        "schema": {"enum": ["json", "csv", "xlsx", "pdf"]}},
    "MilestoneLevel": {"name": "level", "in": "query", "required": False,
                       "description": "For format=csv: units (default), provinces or types.",
                       "schema": {"enum": ["units", "provinces", "types"]}},
    "MilestoneChartPath": {"name": "chart", "in": "path", "required": True,
                           "description": "achievement.svg, types.svg, reports.svg or provinces.svg.",
                           "schema": {"enum": ["achievement.svg", "types.svg", "reports.svg", "provinces.svg"]}},
}


def common_errors():
    return {
        "401": ref("responses", "Unauthenticated"),
        "403": ref("responses", "Forbidden"),
        "404": ref("responses", "NotFound"),
        "500": ref("responses", "InternalError"),
        "503": ref("responses", "Unavailable"),
    }


def disposition(example):
    return {"description": f"For downloads: attachment; filename=\"{example}\"", "schema": {"type": "string"}}


PATHS = {
    "/api/v1/campaigns/{code}/reviews/{milestone}": {
        "get": {
            "operationId": "getMilestoneReview",
            "tags": ["movement"],
            "summary": "The review of a milestone (2027, 2030) per unit, province and type: JSON, CSV, XLSX, PDF",
            "description": (
                "The preliminary (2027) or final (2030) review of a campaign over the caller's scope (the "
                "Ministry: every unit; a unit admin: its subtree; `unit` narrows it). Per registered unit: "
                "per indicator the pledge for the phase the milestone ends, the value of the latest accepted "
                "report up to the milestone (else the latest submitted one) and the achievement; initiatives "
                "submitted, recognised and adopted elsewhere; the latest closed round's score and ranks; awards "
                "decided. Aggregated per province, per unit type and in total. docs/milestone-reviews.md."),
            "x-roles": ROLES,
            "security": SECURITY,
            "parameters": [ref("parameters", "CampaignCodePath"), ref("parameters", "MilestonePath"),
                           ref("parameters", "MilestoneFormat"), ref("parameters", "MilestoneLevel"),
                           ref("parameters", "MilestoneUnit"), ref("parameters", "RequestId")],
            "responses": {
                "200": {
                    "description": "The review, as JSON or as the file asked for.",
                    "headers": {"X-Request-Id": ref("headers", "XRequestId"),
                                "Content-Disposition": disposition("<campaign>-<milestone>[-<level>].<csv|xlsx|pdf>")},
                    "content": {
                        "application/json": {"schema": ref("schemas", "MilestoneReview")},
                        "text/csv": {"schema": {"type": "string"}},
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                            "schema": {"type": "string", "format": "binary"}},
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                    },
                },
                "400": ref("responses", "BadQuery"),
                **common_errors(),
            },
        },
        "description": "Methods: GET (and HEAD). Any other method on this path answers 405 method_not_allowed "
                       "(see components.responses.MethodNotAllowed).",
    },
    "/api/v1/campaigns/{code}/reviews/{milestone}/charts/{chart}": {
        "get": {
            "operationId": "getMilestoneReviewChart",
            "tags": ["movement"],
            "summary": "A chart of the review as SVG",
            "description": (
                "A standalone SVG drawn by the server, with <title> elements and no script: achievement "
                "(bars: mean achievement and share of units meeting the target, per indicator), types (bars: "
                "eligible, registered and reporting units per type), reports (lines: reports per period), "
                "provinces (a table of provinces). Same scope rules and parameters as the review."),
            "x-roles": ROLES,
            "security": SECURITY,
            "parameters": [ref("parameters", "CampaignCodePath"), ref("parameters", "MilestonePath"),
                           ref("parameters", "MilestoneChartPath"), ref("parameters", "MilestoneUnit"),
                           ref("parameters", "RequestId")],
            "responses": {
                "200": {"description": "The chart.",
                        "headers": {"X-Request-Id": ref("headers", "XRequestId")},
                        "content": {"image/svg+xml": {"schema": {"type": "string"}}}},
                **common_errors(),
            },
        },
        "description": "Methods: GET (and HEAD). Any other method on this path answers 405 method_not_allowed "
                       "(see components.responses.MethodNotAllowed).",
    },
}


def main():
    with open(DOC, encoding="utf-8") as f:
        doc = json.load(f)
    for k, v in SCHEMAS.items():
        doc["components"]["schemas"][k] = v
    for k, v in PARAMETERS.items():
        doc["components"]["parameters"][k] = v
    for k, v in PATHS.items():
        doc["paths"][k] = v
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    with open(DOC, encoding="utf-8") as f:
        if f.read() == text:
            print("docs/openapi.json: up to date")
            return 0
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)
    print("docs/openapi.json: milestone review routes written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
