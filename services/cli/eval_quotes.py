"""Score extraction's direct quotes and their speakers on PolNeAR attribution data.

Each record goes through the extraction core exactly as a worker runs it (``ingest_text`` with
the record's date, then ``extract``); quotes are mapped back to the record's text and scored as
``score.py quotes`` does. The last line printed is one JSON object.
"""

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR quotes JSONL file")
    parser.add_argument("--limit", type=int, default=0, help="score the first N records only")
    parser.add_argument(
        "--predictions", type=Path, help="also write score.py's predictions JSONL here"
    )
    parser.add_argument(
        "--disable",
        nargs="*",
        default=[],
        metavar="GROUP",
        help='rule groups to switch off for ablation, e.g. "quotes.coref"',
    )


def _published(record: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(record.get("date") or "")[:10])
    except ValueError:
        return None


def run(args: argparse.Namespace) -> int:
    from services.evaluation.documents import ingest_text
    from services.evaluation.quotes import QuoteScore, prediction
    from services.extraction.core import extract, load_pipeline
    from shared.settings import get_settings

    settings = get_settings()
    pipeline = load_pipeline(settings)
    disabled = frozenset(args.disable)
    score = QuoteScore()
    lines: list[str] = []
    seconds = 0.0
    with args.data.open(encoding="utf-8") as source:
        for i, line in enumerate(source):
            if args.limit and i >= args.limit:
                break
            record = json.loads(line)
            began = time.perf_counter()
            document, offsets = ingest_text(
                record["id"], record["text"], _published(record), settings
            )
            extraction = extract(pipeline, document, disabled)
            seconds += time.perf_counter() - began
            predicted = prediction(record["id"], document.text, extraction, offsets)
            score.add(record, predicted["quotes"])
            lines.append(json.dumps(predicted))
    if args.predictions:
        args.predictions.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    figures = score.as_dict()
    detection, speaker = figures["direct_quote_detection"], figures["speaker_accuracy"]
    print(f"{args.data.name}: {len(lines)} documents, {seconds:.1f} s")
    print(f"{'':<22} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    print(
        f"{'direct quotes':<22} {detection['p']:6.1f} {detection['r']:6.1f} "
        f"{detection['f1']:6.1f} {detection['n_gold']:6d} {detection['n_pred']:6d}"
    )
    print(
        f"{'speaker accuracy':<22} {speaker['acc']:6.1f}%  "
        f"({speaker['correct']}/{speaker['n']}, none predicted {speaker['no_speaker_predicted']})"
    )
    print(json.dumps({"documents": len(lines), "disabled": sorted(disabled), **figures}))
    return 0
