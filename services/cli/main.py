"""Entry point of the ``newsflow`` console script; each subcommand lives in its own module."""

import argparse
import importlib
from collections.abc import Sequence

# subcommand of "eval" -> module with `add_arguments(parser)` and `run(args) -> int`
EVAL_COMMANDS: dict[str, str] = {
    "summaries": "services.cli.eval_summaries",
    "ner": "services.cli.eval_ner",
    "dates": "services.cli.eval_dates",
    "places": "services.cli.eval_places",
    "quotes": "services.cli.eval_quotes",
    "stories": "services.cli.eval_stories",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    evaluate = commands.add_parser("eval", help="measure quality against annotated data")
    targets = evaluate.add_subparsers(dest="target", required=True)
    for name, module_name in EVAL_COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = targets.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
