/*
 * milestone_int.h: the review report of a milestone as the report's writers (JSON in
 * milestone.c; CSV, XLSX and PDF in milestone_export.c; charts in svg.c) share it.
 */
#ifndef EDX_MILESTONE_INT_H
#define EDX_MILESTONE_INT_H

#include "movement/movement.h"
#include "reports/reports.h"

/* Per indicator, over the units of a group. */
typedef struct ms_ind_agg {
    int64_t pledged;  /* units with a pledge */
    int64_t reported; /* units with a value */
    int64_t compared; /* units with both a pledge and a value */
    int64_t met;      /* of those, units whose value reaches the pledge */
    int64_t ach_n;    /* units with an achievement ratio */
    double ach_sum;   /* sum of the ratios capped at 1 */
    double target_total, value_total; /* sums (meaningful for counts) */
} ms_ind_agg;

/* A province, a unit type or the whole scope. */
typedef struct ms_group {
    const char *key, *name, *name_en;
    int64_t eligible, registered, reported, initiatives, recognised, adoptions, awards;
    int64_t review_n;
    double review_sum;
    ms_ind_agg *ind; /* [nind] */
} ms_group;

/* One unit's review line (from the round's results). */
typedef struct ms_review {
    double score, se, mean;
    int64_t rank, province_rank;
    int near_tie;
} ms_review;

struct edx_milestone_report {
    edx_milestone_data d;
    const char *scope_unit; /* the unit whose subtree is reported, NULL: the caller's scope */
    char generated_at[32];
    const char *round_code, *round_name, *round_stage;
    int64_t round_entries;
    ms_review **review;      /* [nunits], NULL when the unit was not scored */
    json_t *awards;          /* owned: {"UNIT": [...]} */
    const json_t **unit_awards; /* [nunits]: the unit's array or NULL */
    double *ach;             /* [nunits * nind]: achievement ratio or NAN */
    signed char *met;        /* [nunits * nind]: 1, 0, -1 unknown */
    ms_group total;
    size_t nprov, ntypes;
    ms_group *prov, *types;
};

/* The unit range a review covers for `p` (its scope, or `unit`'s subtree, which `p` must be
 * able to read); *scope_unit is that unit's code or NULL. Ministry and unit admins only. */
int ms_scope(edx_db *db, edx_arena *a, const edx_principal *p, const char *unit,
             const char **lo, const char **hi, const char **scope_unit, edx_err *err);

/* Mean achievement of group `g` on indicator `i` (capped ratios), or NAN. */
double ms_mean_achievement(const ms_group *g, size_t i);

/* The label of a unit type in Vietnamese or English (vi = 1). */
const char *ms_type_label(const char *type, int vi);

/* Achievement as a text for tables: "85.0%", or "" when none. */
void ms_pct(double ratio, char out[16]);

/* A number for tables, shortest form ("" for NAN). */
void ms_num(double x, char out[32]);

/* ---- charts (svg.c) ----------------------------------------------------------------------- */

#define MS_CHART_MAX_SERIES 4

typedef enum { MS_CHART_BARS, MS_CHART_LINES, MS_CHART_TABLE } ms_chart_kind;

/* A chart as data: the SVG writer and the PDF painter draw the same thing. */
typedef struct ms_chart {
    ms_chart_kind kind;
    const char *title;    /* bilingual: "Mức đạt chỉ tiêu / Achievement of targets" */
    const char *y_label;
    int percent;          /* values are ratios shown as percentages */
    size_t ncat, nseries;
    const char **cat;     /* category labels (x axis, or table rows) */
    const char *series[MS_CHART_MAX_SERIES];
    double *v[MS_CHART_MAX_SERIES]; /* [ncat] each, NAN: no value */
    double max;           /* top of the value axis */
    /* MS_CHART_TABLE: columns of text */
    size_t ncol;
    const char **col;     /* headers */
    const char **cell;    /* [ncat * ncol] */
    size_t bar_col;       /* column holding a ratio drawn as a bar, or SIZE_MAX */
    double *bar;          /* [ncat] ratio for the bar column */
} ms_chart;

/* The chart `name` (achievement, types, reports, provinces) of the report; EDX_ENOTFOUND
 * naming "chart" when there is none such. Memory in `a`. */
int ms_chart_build(const struct edx_milestone_report *r, edx_arena *a, const char *name,
                   ms_chart *c, edx_err *err);

/* The chart as a standalone SVG document. */
int ms_chart_svg(const ms_chart *c, edx_buf *out);

/* A nice upper bound of the value axis for `max` and its step count. */
double ms_axis_top(double max, int *steps);

#endif
