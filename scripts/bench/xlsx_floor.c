/*
 * The XLSX floor of scripts/bench.sh: drs-report's Diffs cells written straight through
 * libxlsxwriter from C, with nothing else to do. drs-report's own workbook must come from the same
 * library, so this is the time no implementation of the Diffs sheet can beat.
 *
 *   cc -O2 -o xlsx_floor scripts/bench/xlsx_floor.c $(pkg-config --cflags --libs xlsxwriter)
 *   python3 scripts/bench/cells.py ESTATE cells.bin      # untimed: the cells, as drs-report stores them
 *   xlsx_floor cells.bin OUT.xlsx [ROWS_PER_SHEET]
 *
 * cells.bin holds 11 NUL-terminated UTF-8 values a row and nothing else. They are read in blocks
 * and handed to libxlsxwriter where they lie (no copy, no parse). The workbook is written as
 * drs-report writes its Diffs sheet: constant_memory and use_zip64, a bold header row, one format
 * on the kind-of-difference cell, column widths set once, frozen header, autofilter; past
 * 1,048,575 rows it continues on "Diffs (2)", "Diffs (3)"... (ROWS_PER_SHEET lowers that, for tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xlsxwriter.h"

#define COLUMNS 11
#define KIND_COLUMN 6

static const char *const header[COLUMNS] = {
    "Job", "Task", "Source database", "Source table", "Target database", "Target table",
    "Kind of difference", "Source key", "Target key", "Source SELECT", "Target SELECT",
};
static const double widths[COLUMNS] = {38, 38, 18, 16, 18, 16, 20, 14, 14, 60, 60};

static void die(const char *what, const char *detail) {
    fprintf(stderr, "xlsx_floor: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

/* A block reader over the cells file. */
typedef struct {
    int fd;
    char *buf;
    size_t cap, len, pos;
    int eof;
} reader;

/* Points fields[] at the next row's 11 values inside the buffer; 0 at the end of the file. */
static int next_row(reader *r, const char *fields[COLUMNS]) {
    for (;;) {
        size_t p = r->pos;
        int n = 0;
        while (n < COLUMNS && p < r->len) {
            char *nul = memchr(r->buf + p, '\0', r->len - p);
            if (!nul) break;
            fields[n++] = r->buf + p;
            p = (size_t)(nul - r->buf) + 1;
        }
        if (n == COLUMNS) {
            r->pos = p;
            return 1;
        }
        if (r->eof) {
            if (r->pos == r->len) return 0;
            die("the cells file ends inside a row", NULL);
        }
        /* Keep the partial row, then read more (growing the buffer for a row longer than it). */
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
        if (r->len == r->cap) {
            r->cap *= 2;
            r->buf = realloc(r->buf, r->cap);
            if (!r->buf) die("out of memory", NULL);
        }
        ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (got < 0) die("read", strerror(errno));
        if (got == 0) r->eof = 1;
        r->len += (size_t)got;
    }
}

static lxw_worksheet *diffs_sheet(lxw_workbook *wb, int number, lxw_format *bold) {
    char name[32];
    if (number == 1) snprintf(name, sizeof name, "Diffs");
    else snprintf(name, sizeof name, "Diffs (%d)", number);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws) die("cannot add worksheet", name);
    for (int c = 0; c < COLUMNS; c++) {
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
        if (worksheet_write_string(ws, 0, (lxw_col_t)c, header[c], bold) != LXW_NO_ERROR)
            die("cannot write the header", header[c]);
    }
    worksheet_freeze_panes(ws, 1, 0);
    return ws;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: xlsx_floor CELLS OUT.xlsx [ROWS_PER_SHEET]\n");
        return 2;
    }
    long per_sheet = LXW_ROW_MAX - 1;
    if (argc == 4) {
        per_sheet = strtol(argv[3], NULL, 10);
        if (per_sheet < 1 || per_sheet > LXW_ROW_MAX - 1) die("ROWS_PER_SHEET out of range", argv[3]);
    }

    reader r = {.fd = open(argv[1], O_RDONLY), .cap = 4u << 20};
    if (r.fd < 0) die(argv[1], strerror(errno));
    r.buf = malloc(r.cap);
    if (!r.buf) die("out of memory", NULL);

    /* Temporary files beside the output, as drs-report keeps them in its output folder. */
    char *out_copy = strdup(argv[2]);
    lxw_workbook_options options = {.constant_memory = 1, .tmpdir = dirname(out_copy), .use_zip64 = 1};
    lxw_workbook *wb = workbook_new_opt(argv[2], &options);
    if (!wb) die("cannot create the workbook", argv[2]);
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_format *kind = workbook_add_format(wb);
    format_set_font_color(kind, 0x9C0006);
    format_set_bg_color(kind, 0xFFC7CE);

    int sheets = 1;
    lxw_worksheet *ws = diffs_sheet(wb, sheets, bold);
    lxw_row_t row = 0;
    long total = 0;
    const char *fields[COLUMNS];
    while (next_row(&r, fields)) {
        if ((long)row == per_sheet) {
            worksheet_autofilter(ws, 0, 0, row, COLUMNS - 1);
            ws = diffs_sheet(wb, ++sheets, bold);
            row = 0;
        }
        row++;
        for (int c = 0; c < COLUMNS; c++) {
            lxw_error err = worksheet_write_string(ws, row, (lxw_col_t)c, fields[c], c == KIND_COLUMN ? kind : NULL);
            if (err != LXW_NO_ERROR) die("worksheet_write_string", lxw_strerror(err));
        }
        total++;
    }
    worksheet_autofilter(ws, 0, 0, row, COLUMNS - 1);
    lxw_error err = workbook_close(wb);
    if (err != LXW_NO_ERROR) die("workbook_close", lxw_strerror(err));
    close(r.fd);
    free(r.buf);
    free(out_copy);
    fprintf(stderr, "xlsx_floor: %ld rows on %d sheet%s\n", total, sheets, sheets == 1 ? "" : "s");
    return 0;
}
