"""Score toponym detection and geocoding on LGL-style data (Gritta et al.'s measures).

Each JSONL record {"id", "text", "date", "toponyms": [{start, end, lat, lon, ...}]} goes through
the ingest stage's document builder and the extraction core exactly as the workers run them;
every place mention is mapped back to the record's text and scored by exact span, then by the
distance of its pin to the gold coordinates. A table, then one JSON line, last.
"""

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="JSONL file of annotated articles")
    parser.add_argument(
        "--predictions", type=Path, default=None, help="also write score.py predictions here"
    )
    parser.add_argument("--limit", type=int, default=0, help="score the first N articles only")
    parser.add_argument(
        "--half",
        choices=("all", "train", "heldout"),
        default="all",
        help="one fixed half of the set (split by id hash): rules were tuned on train",
    )
    parser.add_argument(
        "--disable",
        nargs="*",
        default=[],
        metavar="GROUP",
        help="rule groups to switch off, e.g. places.context places.demonyms",
    )


def _published(record: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(record["date"]) if record.get("date") else None
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    from services.evaluation.documents import ingest_text
    from services.evaluation.places import PlaceScore, predict
    from services.extraction.core import extract, load_pipeline
    from services.summarization.split import in_half
    from shared.settings import get_settings

    settings = get_settings()
    began = time.perf_counter()
    pipeline = load_pipeline(settings)
    load_seconds = time.perf_counter() - began
    disabled = frozenset(args.disable)
    total = PlaceScore()
    out = args.predictions.open("w", encoding="utf-8") if args.predictions else None
    seconds = 0.0
    documents = 0
    with args.data.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            if not in_half(record["id"], args.half):
                continue
            if args.limit and documents >= args.limit:
                break
            document, offsets = ingest_text(
                record["id"], record["text"], _published(record), settings
            )
            began = time.perf_counter()
            extraction = extract(pipeline, document, disabled)
            seconds += time.perf_counter() - began
            toponyms = predict(extraction, offsets)
            total.add(record["toponyms"], toponyms)
            if out is not None:
                out.write(json.dumps({"id": record["id"], "toponyms": toponyms}) + "\n")
            documents += 1
    if out is not None:
        out.close()
    result = {"documents": documents, "half": args.half, "disabled": sorted(disabled)}
    result |= total.summary()
    result["seconds_per_document"] = round(seconds / documents, 3) if documents else 0.0
    result["load_seconds"] = round(load_seconds, 2)
    print(f"{documents} documents ({args.half}), disabled: {', '.join(sorted(disabled)) or '-'}")
    print(f"{'measure':<28} {'value':>8}")
    for key in ("detection_f1", "detection_p", "detection_r", "detection_relaxed_f1", "acc161"):
        print(f"{key:<28} {result[key]:8.2f}")
    print(f"{'auc':<28} {result['auc']:8.4f}")
    for key in ("geocoded", "matched_without_coords", "gold", "predicted"):
        print(f"{key:<28} {result[key]:8d}")
    print(json.dumps(result))
    sys.stdout.flush()
    return 0
