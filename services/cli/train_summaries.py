"""Fit the summarizer's sentence weights on one half of a labelled set; write the JSON artefact.

``python -m services.cli.train_summaries --data bbc-news-dev.jsonl`` (``make train-summarizer``):
ingests each article of the train half exactly as the ingest worker does, and writes
``services/summarization/weights/headline-logit.json``. Deterministic: same data, same file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    from services.summarization.scoring import WEIGHTS_FILE

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="JSONL of {id, title, article}")
    parser.add_argument("--half", choices=("all", "train", "heldout"), default="train")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from services.cli.eval_summaries import read_articles
    from services.ingest.core import build_document
    from services.summarization.split import in_half
    from services.summarization.training import example, headline_recall, train
    from shared.models import ArticleSubmission
    from shared.settings import get_settings

    args = build_parser().parse_args(argv)
    settings = get_settings()
    examples = []
    try:
        for row in read_articles(args.data):
            if not in_half(row["id"], args.half):
                continue
            submission = ArticleSubmission(text=row["article"], title=row.get("title") or None)
            found = example(build_document(row["id"], submission, settings))
            if found is not None:
                examples.append(found)
    except (OSError, ValueError) as error:
        print(f"train_summaries: {error}", file=sys.stderr)
        return 2
    if not examples:
        print("train_summaries: no article with a title to learn from", file=sys.stderr)
        return 2
    weights, tried = train(examples)
    args.out.write_text(weights.to_json(), encoding="utf-8")
    print(f"{len(examples)} articles; headline recall at 3 sentences by prior weight:")
    for prior, recall in tried.items():
        print(f"  {prior:>4}: {100 * recall:.2f}")
    print(f"  Lead-3: {100 * headline_recall(examples, None):.2f}")
    print(f"wrote {args.out}: prior weight {weights.prior_weight}")
    print(dict(zip(weights.features, weights.weights, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
