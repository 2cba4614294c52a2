"""Score extraction's time expressions on TempEval-3 data (TIMEX3 spans, types and values).

Each record's text goes through ingest and the extraction core exactly as the workers run them
(anchored on the record's document creation time), date mentions are mapped back to the
annotated text and scored as /work/shared/eval/score.py ``dates`` scores them. ``--half`` picks
the tuning or held-out part (split by hashed id). The last line printed is one JSON object.
"""

import argparse
import json
import time
from datetime import date
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data", type=Path, required=True, help="dates JSONL (id, text, dct, timexes)"
    )
    parser.add_argument("--predictions", type=Path, help="write score.py-format predictions here")
    parser.add_argument("--limit", type=int, default=0, help="score the first N documents only")
    parser.add_argument("--half", choices=("all", "train", "heldout"), default="all")
    parser.add_argument(
        "--disable", nargs="*", default=[], metavar="GROUP", help="rule groups to switch off"
    )


def _table(figures: dict[str, Any]) -> str:
    rows = [f"{'measure':<28} {'P':>6} {'R':>6} {'F1':>6}"]
    for name, key in (("DATE/TIME strict", "strict"), ("DATE/TIME relaxed", "relaxed")):
        f = figures["date_time"][key]
        rows.append(f"{name:<28} {f['p']:6.2f} {f['r']:6.2f} {f['f1']:6.2f}")
    for name, key in (("all types strict", "strict"), ("all types relaxed", "relaxed")):
        f = figures["all_types"][key]
        rows.append(f"{name:<28} {f['p']:6.2f} {f['r']:6.2f} {f['f1']:6.2f}")
    v = figures["date_value_acc"]
    rows.append(f"DATE value accuracy {v['acc']:.2f}% ({v['correct']}/{v['matched_dates']})")
    rows.append(f"TE3 value F1 (all types) {figures['all_types']['te3_value_f1']:.2f}")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    from services.evaluation.dates import half_of, predictions, score
    from services.evaluation.documents import ingest_text
    from services.extraction.core import extract, load_pipeline
    from shared.settings import get_settings

    settings = get_settings()
    pipeline = load_pipeline(settings)
    disabled = frozenset(args.disable)
    records = []
    with args.data.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            if args.half == "all" or half_of(record["id"]) == args.half:
                records.append(record)
    if args.limit:
        records = records[: args.limit]

    predicted: dict[str, dict[str, Any]] = {}
    began = time.perf_counter()
    for record in records:
        dct = date.fromisoformat(record["dct"][:10]) if record.get("dct") else None
        document, offsets = ingest_text(record["id"], record["text"], dct, settings)
        extraction = extract(pipeline, document, disabled)
        predicted[record["id"]] = predictions(record["id"], extraction, offsets)
    seconds = time.perf_counter() - began
    if args.predictions:
        with args.predictions.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(predicted[record["id"]]) + "\n")

    figures = score(records, predicted)
    print(f"{pipeline.model}: {len(records)} documents ({args.half}), {seconds:.1f} s")
    if disabled:
        print(f"disabled: {', '.join(sorted(disabled))}")
    print(_table(figures))
    summary = {
        "documents": len(records),
        "half": args.half,
        "disabled": sorted(disabled),
        "date_time_strict_f1": figures["date_time"]["strict"]["f1"],
        "date_time_relaxed_f1": figures["date_time"]["relaxed"]["f1"],
        "date_value_acc": figures["date_value_acc"]["acc"],
        "all_types_strict_f1": figures["all_types"]["strict"]["f1"],
        "te3_value_f1": figures["all_types"]["te3_value_f1"],
        "figures": figures,
    }
    print(json.dumps(summary))
    return 0
