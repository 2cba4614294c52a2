"""The seed articles as gateway submissions: ``*.txt`` as text, ``*.html`` as HTML, with the
metadata a client would send (``seeds/metadata.json``). Used by ``make demo`` and the tests."""

import json
from pathlib import Path
from typing import Any

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KINDS = {".txt": "text", ".html": "html"}
SUBMITTED_FIELDS = ("published_at", "title", "language")


def seed_submissions(folder: Path = SEEDS) -> list[dict[str, Any]]:
    """One JSON-ready submission per seed file, in file-name order; ``source`` is the file name."""
    metadata_file = folder / "metadata.json"
    metadata = json.loads(metadata_file.read_text()) if metadata_file.exists() else {}
    items = []
    for path in sorted(folder.iterdir()):
        kind = KINDS.get(path.suffix)
        if kind is None:
            continue
        meta = metadata.get(path.name, {})
        item: dict[str, Any] = {kind: path.read_text(encoding="utf-8"), "source": path.name}
        item.update({k: meta[k] for k in SUBMITTED_FIELDS if k in meta})
        items.append(item)
    return items
