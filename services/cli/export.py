"""Export matching articles: newsflow export --format csv --since 2024-05-01 -o may.csv"""

import argparse
import sys
from pathlib import Path

from services.cli.gateway_client import GatewayError, add_gateway_argument, stream
from services.cli.search import add_filter_arguments, filters


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_arguments(parser)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default stdout)")
    add_gateway_argument(parser)


def run(args: argparse.Namespace) -> int:
    """Streams the gateway's body to the output as it arrives: any size, constant memory."""
    out = args.output.open("wb") if args.output else sys.stdout.buffer
    written = 0
    try:
        with stream(args, "/export", {**filters(args), "format": args.format}) as response:
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
    except GatewayError as exc:
        print(f"newsflow export: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.output:
            out.close()
    if args.output:
        print(f"wrote {written:,} bytes to {args.output}", file=sys.stderr)
    return 0
