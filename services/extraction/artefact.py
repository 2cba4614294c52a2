"""The shipped NER model is pinned by one sha256 over its files, checked when a worker loads it."""

import hashlib
import json
from pathlib import Path

SUMS = "SHA256SUMS"


def digest(model: Path) -> str:
    """sha256 over every file's relative path and bytes, in path order (SHA256SUMS excluded)."""
    h = hashlib.sha256()
    for path in sorted(p for p in model.rglob("*") if p.is_file() and p.name != SUMS):
        h.update(path.relative_to(model).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def write_sums(model: Path) -> str:
    value = digest(model)
    (model / SUMS).write_text(json.dumps({"sha256": value}) + "\n")
    return value


def verify(model: Path) -> None:
    """Refuse a model whose files are not the ones recorded (a partial copy, a stray edit)."""
    recorded = json.loads((model / SUMS).read_text())["sha256"]
    actual = digest(model)
    if actual != recorded:
        raise RuntimeError(f"{model}: sha256 {actual} does not match {SUMS} ({recorded})")
