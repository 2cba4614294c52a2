"""Story clusters: newsflow stories [--since 2024-05-01] [--min-size 3]"""

import argparse
import sys

from services.cli.gateway_client import (
    GatewayError,
    add_gateway_argument,
    get_json,
    params,
    print_json,
)
from shared.models.corpus import StoryPage


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="ISO date or time")
    parser.add_argument("--until", help="ISO date (inclusive) or time")
    parser.add_argument("--min-size", type=int, default=2, help="articles in a story")
    parser.add_argument("--limit", type=int, default=20)
    add_gateway_argument(parser)


def run(args: argparse.Namespace) -> int:
    query = {
        **params(since=args.since, until=args.until),
        "min_size": args.min_size,
        "limit": args.limit,
    }
    try:
        raw = get_json(args, "/stories", query)
    except GatewayError as exc:
        print(f"newsflow stories: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print_json(raw)
        return 0
    for story in StoryPage.model_validate(raw).items:
        names = ", ".join(e.name for e in story.top_entities)
        print(
            f"story {story.id}: {story.size} articles, first {story.first.source or '-'} "
            f"{story.earliest_at:%Y-%m-%d %H:%M}  {story.first.title or ''}"
        )
        print(f"    sources: {', '.join(story.sources)}; about: {names}")
    return 0
