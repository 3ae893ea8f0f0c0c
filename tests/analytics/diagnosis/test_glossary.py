"""The pinned definitions are the same in the HTML report and in docs/diagnosis.md (issue 3)."""

from pathlib import Path

import pytest

from cartera.reporting.glossary import GLOSSARY

DOCS = Path(__file__).resolve().parents[3] / "docs" / "diagnosis.md"


@pytest.mark.parametrize(("term", "definition"), GLOSSARY)
def test_every_definition_is_in_the_docs(term, definition):
    assert f"**{term}**: {definition}" in DOCS.read_text(encoding="utf-8")
