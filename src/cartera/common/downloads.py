"""File downloads of the web pages: every report's workbook leaves through here."""

from __future__ import annotations

from typing import IO, Final

from django.http import FileResponse

XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(workbook: IO[bytes], filename: str) -> FileResponse:
    """Return ``workbook`` (an open file) as an attachment named ``filename``."""
    return FileResponse(workbook, as_attachment=True, filename=filename, content_type=XLSX)
