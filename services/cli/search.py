"""Search the archive: newsflow search "oil prices" --entity "Xi Jinping" --since 2024-05-01"""

import argparse
import sys

from services.cli.gateway_client import (
    GatewayError,
    add_gateway_argument,
    get_json,
    params,
    print_json,
)
from shared.models.corpus import ArticlePage

SNIPPET_CHARS = 160


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The filters of GET /articles and GET /export (shared/models/corpus.py ArticleFilters)."""
    parser.add_argument("q", nargs="?", help='words, "a phrase", OR, -excluded')
    parser.add_argument("--entity", help="an entity key (PERSON:xi-jinping) or a name")
    parser.add_argument("--type", help="entity type: PERSON, ORG, GPE, ...")
    parser.add_argument("--place", help="a place name or gazetteer id (geonames:...)")
    parser.add_argument("--since", help="ISO date or time")
    parser.add_argument("--until", help="ISO date (inclusive) or time")
    parser.add_argument("--language", help="ISO 639-1")
    parser.add_argument("--story", type=int, help="a story id")


def filters(args: argparse.Namespace) -> dict[str, object]:
    return params(
        q=args.q,
        entity=args.entity,
        type=args.type,
        place=args.place,
        since=args.since,
        until=args.until,
        language=args.language,
        story=args.story,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_arguments(parser)
    parser.add_argument("--limit", type=int, default=20, help="hits per page (1-100)")
    parser.add_argument("--pages", type=int, default=1, help="pages to fetch, following cursors")
    add_gateway_argument(parser)


def run(args: argparse.Namespace) -> int:
    query = {**filters(args), "limit": args.limit}
    try:
        for _ in range(args.pages):
            page = ArticlePage.model_validate(get_json(args, "/articles", query))
            if args.json:
                print_json(page.model_dump(mode="json"))
            else:
                for hit in page.items:
                    when = hit.dated_at.date().isoformat()
                    print(f"{when}  {hit.id}  {hit.title or '(untitled)'}  [{hit.source or '-'}]")
                    for snippet in hit.snippets:
                        print(f"    {snippet[:SNIPPET_CHARS]}")
            if not page.next_cursor:
                break
            query["cursor"] = page.next_cursor
    except GatewayError as exc:
        print(f"newsflow search: {exc}", file=sys.stderr)
        return 1
    return 0
