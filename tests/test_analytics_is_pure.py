"""cartera.analytics must stay usable without Django (STYLE: an analyst uses it alone)."""

import ast
import subprocess
import sys
from pathlib import Path

import cartera.analytics

ANALYTICS = Path(cartera.analytics.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_module_of_analytics_imports_django_or_the_apps():
    offenders = []
    for path in ANALYTICS.rglob("*.py"):
        for name in _imported_modules(path):
            top = name.split(".")[0]
            inside_cartera = name.startswith("cartera.") and not name.startswith(
                "cartera.analytics"
            )
            if top == "django" or inside_cartera:
                offenders.append(f"{path.relative_to(ANALYTICS)} imports {name}")
    assert offenders == []


def test_importing_every_analytics_module_leaves_django_unloaded():
    modules = sorted(
        "cartera.analytics." + ".".join(p.relative_to(ANALYTICS).with_suffix("").parts)
        for p in ANALYTICS.rglob("*.py")
        if p.name != "__init__.py" and "tests" not in p.parts
    )
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print('django' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
