"""The most mentioned entities, or one in depth: newsflow entities [--type PERSON] [KEY]"""

import argparse
import sys
from urllib.parse import quote

from services.cli.gateway_client import (
    GatewayError,
    add_gateway_argument,
    get_json,
    params,
    print_json,
)
from shared.models.corpus import EntityCount, EntityDetail


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", nargs="?", help="one entity (PERSON:xi-jinping or a name)")
    parser.add_argument("--type", help="PERSON, ORG, GPE, ... (the list only)")
    parser.add_argument("--since", help="ISO date or time")
    parser.add_argument("--until", help="ISO date (inclusive) or time")
    parser.add_argument("--top", type=int, default=20)
    add_gateway_argument(parser)


def run(args: argparse.Namespace) -> int:
    window = params(since=args.since, until=args.until)
    try:
        if args.key:
            raw = get_json(args, f"/entities/{quote(args.key, safe='')}", window)
            if args.json:
                print_json(raw)
                return 0
            detail = EntityDetail.model_validate(raw)
            counts = f"{detail.articles} articles, {detail.mentions} mentions"
            print(f"{detail.name} ({detail.key}): {counts}")
            print(f"  seen {detail.first_seen.date()} .. {detail.last_seen.date()}")
            for co in detail.co_mentioned:
                together = f"{co.articles:>6} articles  PMI {co.pmi:+.2f}"
                print(f"  with {co.name:<30} {co.type:<8} {together}")
            return 0
        raw = get_json(args, "/entities", {**window, **params(type=args.type), "top": args.top})
        if args.json:
            print_json(raw)
            return 0
        for entity in map(EntityCount.model_validate, raw):
            print(f"{entity.articles:>7}  {entity.type:<8} {entity.name}  ({entity.key})")
    except GatewayError as exc:
        print(f"newsflow entities: {exc}", file=sys.stderr)
        return 1
    return 0
