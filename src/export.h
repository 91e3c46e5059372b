/* export.h: a whole source (clauses, marks, conditions, references) as JSON
 * or CSV, for spreadsheets and other tools (`clausegen export`).
 *
 * Nothing is decided here: the marks are exported as printed in the source's
 * tables, not as verdicts (for verdicts, use `clausegen select`). */
#ifndef CG_EXPORT_H
#define CG_EXPORT_H

#include "spec.h"

/* The source as one JSON object (UTF-8, keys in a fixed order):
 *   source:  id, title, publisher, version, sha256, seed, classes,
 *            categories, tables (id, title, columns, role), marks (mark ->
 *            verdict), attributes, sections
 *   clauses: in the source's order, each with id, number, section,
 *            section_title, title, text, marks, when, unless, references,
 *            appendices, seed_lines, note
 * A clause's `marks` maps table id -> class id -> category id -> mark, or
 * table id -> category id -> mark when the source has no classes; a table
 * the clause has no row in is left out. Returns a new string (g_free). */
char *export_json(const sp_source *s);

/* The source as CSV (RFC 4180: comma-separated, CRLF between records,
 * fields with a comma, quote, CR or LF quoted and quotes doubled; line
 * breaks inside a clause's text stay LF). One header record, then one
 * record per clause in the source's order, with the columns
 *   id, number, section, section_title, title, text, references, when,
 *   unless, appendices, seed_lines, note,
 * then one column per table x class x category, named "table/class/category"
 * ("table/category" without classes), holding the printed mark ("" where the
 * clause has no row).
 *
 * Encoding: UTF-8 with a byte order mark. Excel, the tool most clerks open a
 * CSV with, reads a BOM-less file as Shift_JIS on Japanese Windows and shows
 * mojibake; with the BOM it reads UTF-8. Tools that read UTF-8 strictly
 * (Python's csv with encoding="utf-8-sig", LibreOffice) accept the BOM.
 * Returns a new string (g_free); `*len` gets its length. */
char *export_csv(const sp_source *s, size_t *len);

#endif
