"""A measurement plan as a spreadsheet (.xlsx, written by XlsxWriter).

An .xlsx opens the same in Excel and LibreOffice in any locale, its text in Unicode: a CSV's
delimiter and encoding depend on the reader's settings, and Finnish letters or a column would
come apart. Every cell from a recipe is written as a string, never read as a formula or a
number (a contributor's "=HYPERLINK(…)" stays text: no CSV-style apostrophe is needed). The
file is the same bytes for the same plan: the document's dates are the edition's, and
XlsxWriter dates every part of the zip 1980-01-01.

The site's script writes the same table in the browser for any selection
(templates/site/assets/plan-xlsx.js); tests read both back.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timezone
from typing import Any

import xlsxwriter

from .plan import COLUMNS, FILL_IN, WIDTHS, MeasurementPlan, column_labels, given_cells
from .taxonomy import Taxonomy

BLUE, ACCENT, FILL_IN_TINT, RULE = "#1D4F6E", "#8A3A14", "#FDF6E3", "#9AA5AC"
# Row heights are set, not left to the reader: LibreOffice does not fit a row to its wrapped text
# when it opens a file, and the lines would be drawn over each other. A row is as tall as its
# longest cell wraps to (estimated: about 1.1 characters of text to a unit of width), and at least
# two lines, room to write in by hand on paper. The browser's spreadsheet estimates the same way.
LINE_HEIGHT = 15  # points: a line of Excel's default font, 11-point Calibri
WRITING_LINES = 2
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str) -> str:
    """A worksheet's name as Excel allows it: 31 characters, none of []:*?/\\."""
    return SHEET_NAME_FORBIDDEN.sub(" ", text).strip("' ")[:31] or "Plan"


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at spaces (a
    word longer than a line is broken)."""
    capacity = max(1, int(width * 1.1))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > capacity:
            lines, used = lines + 1, 0
        if used:
            used += 1
        used += len(word)
        while used > capacity:
            lines, used = lines + 1, used - capacity
    return lines


def row_height(texts: list[str], widths: list[float], least: int = 1) -> int:
    return LINE_HEIGHT * max(least, *(wrapped_lines(text, width) for text, width in zip(texts, widths))) + 3


def plan_workbook(plan: MeasurementPlan, taxonomy: Taxonomy, strings: dict[str, Any], dated: date) -> bytes:
    """The plan as .xlsx bytes: a header row (frozen, filtered), then a row per metric, level by
    level, inputs to impact; the columns to fill in are tinted. Printed, it is landscape, one
    page wide, the header on every page."""
    output = io.BytesIO()
    # in_memory: XlsxWriter zips the parts from memory with fixed dates. No string is turned
    # into a formula, a number or a link.
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False})
    created = datetime(dated.year, dated.month, dated.day, tzinfo=timezone.utc)
    workbook.set_properties({
        "title": plan.title, "subject": plan.subject, "author": strings["publisher"], "company": strings["publisher"],
        "comments": strings["plan"]["sheet_comment"], "created": created,
    })
    header = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": BLUE, "text_wrap": True,
                                  "valign": "top", "border": 1, "border_color": BLUE})
    header_fill_in = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": ACCENT, "text_wrap": True,
                                          "valign": "top", "border": 1, "border_color": ACCENT})
    cell = workbook.add_format({"text_wrap": True, "valign": "top", "bottom": 1, "bottom_color": RULE})
    level_cell = workbook.add_format({"text_wrap": True, "valign": "top", "bottom": 1, "bottom_color": RULE, "bold": True,
                                      "font_color": BLUE})
    fill_in = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1, "border_color": RULE, "bg_color": FILL_IN_TINT})

    sheet = workbook.add_worksheet(sheet_name(strings["plan"]["sheet"]))
    labels = column_labels(strings)
    widths = [WIDTHS[name] for name in COLUMNS]
    for column, name in enumerate(COLUMNS):
        sheet.set_column(column, column, WIDTHS[name])
        sheet.write_string(0, column, labels[name], header_fill_in if name in FILL_IN else header)
    sheet.set_row(0, row_height([labels[name] for name in COLUMNS], widths))
    row = 0
    for level in plan.levels:
        for plan_row in level.rows:
            row += 1
            texts = given_cells(taxonomy, level, plan_row)
            sheet.set_row(row, row_height(list(texts), widths, WRITING_LINES))
            for column, text in enumerate(texts):
                style = level_cell if column == 0 else cell
                if text:
                    sheet.write_string(row, column, text, style)
                else:  # an empty cell, not an empty string (a metric without an EU indicator)
                    sheet.write_blank(row, column, None, style)
            for column in range(len(COLUMNS) - len(FILL_IN), len(COLUMNS)):
                sheet.write_blank(row, column, None, fill_in)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, row, len(COLUMNS) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.set_footer(f"&L{_footer_text(plan.title)}&R&P / &N")
    workbook.close()
    return output.getvalue()


def _footer_text(text: str) -> str:
    """Text in a header or footer, where '&' starts a code: each one doubled."""
    return text.replace("&", "&&")[:200]
