"""Services share only ``shared``: the gateway loads no NLP package, no worker imports another."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NLP_MODULES = ("spacy", "thinc", "trafilatura", "py3langid", "numpy", "lxml")
STAGES = ("gateway", "ingest", "extraction", "summarization")


def test_gateway_collector_and_callbacks_load_no_nlp_package() -> None:
    code = (
        "import sys, services.gateway.app, services.gateway.collector, services.gateway.broker\n"
        "import services.gateway.notifier\n"
        f"print(','.join(m for m in {NLP_MODULES!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("stage", STAGES)
def test_a_service_imports_no_other_service(stage: str) -> None:
    others = {f"services.{s}" for s in STAGES if s != stage}
    for path in (ROOT / "services" / stage).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not any(name == o or name.startswith(o + ".") for o in others), (path, name)
