"""Run the benchmarks: ``python -m bench`` (all) or ``python -m bench startup``."""

import importlib
import sys

BENCHMARKS = [
    "startup",
    "scale",
    "checks",
    "search",
    "search_quality",
    "search_publish",
    "render",
    "serving",
    "cases",
    "accounts_sso",
    "subscriptions",
    "syndication",
    "supervision",
]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {BENCHMARKS}")
        return 2
    for name in names:
        importlib.import_module(f"bench.{name}").main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
