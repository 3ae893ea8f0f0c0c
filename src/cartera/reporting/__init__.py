"""Rendering of analytics results to files and pictures: JSON, self-contained HTML, XLSX, SVG.

Pure functions of typed results (no Django, no database): the CLI writes files with
them and the web pages can reuse :mod:`cartera.reporting.charts`.
"""

from cartera.reporting.html_report import render_html, write_html
from cartera.reporting.json_report import diagnosis_to_dict, write_json
from cartera.reporting.xlsx_report import write_xlsx

__all__ = ["diagnosis_to_dict", "render_html", "write_html", "write_json", "write_xlsx"]
