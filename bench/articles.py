"""The benchmark's articles: the seed files, then BBC dev articles, as gateway submissions."""

import json
from pathlib import Path
from typing import Any

from services.gateway.ids import article_id
from services.seeds import seed_submissions
from shared.models import ArticleSubmission

DEFAULT_BBC = (
    Path(__file__).resolve().parents[2] / "shared" / "eval" / "summaries" / "bbc-news-dev.jsonl"
)


def bench_articles(count: int, bbc: Path = DEFAULT_BBC) -> list[dict[str, Any]]:
    """``count`` distinct submissions (JSON bodies for ``POST /articles``), seeds first.

    Distinct texts matter: the gateway answers a known text from its store without running it,
    so texts are told apart as the gateway does (``article_id``).
    """
    items = seed_submissions()
    seen = {article_id(ArticleSubmission.model_validate(item)) for item in items}
    with bbc.open(encoding="utf-8") as lines:
        for line in lines:
            if len(items) >= count:
                break
            record = json.loads(line)
            item = {"text": record["article"], "title": record["title"], "source": record["id"]}
            key = article_id(ArticleSubmission.model_validate(item))
            if key not in seen:  # the BBC set holds some articles twice
                seen.add(key)
                items.append(item)
    if len(items) < count:
        raise SystemExit(f"only {len(items)} distinct articles available, asked for {count}")
    return items[:count]
