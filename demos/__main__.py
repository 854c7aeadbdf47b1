"""`make demo`: the headline lessons — backprop by hand (with the neuron stepped and drawn) and the moons.

`python -m demos --list` lists every lesson; run one with `python -m demos.NAME [--quick] [--out DIR]`
or `python -m demos NAME ...`.
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

from . import common

HEADLINE = ("backprop_by_hand", "moons")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demos", description=__doc__.strip().split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="run these lessons (default: the two headline ones)"
    )
    parser.add_argument("--list", action="store_true", help="list every lesson and how to run it")
    parser.add_argument("--quick", action="store_true", help="smaller runs (for tests)")
    parser.add_argument(
        "--out", default="out", help="where to write pictures, one folder per lesson (default: out/)"
    )
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in common.LESSONS:
            close = difflib.get_close_matches(name, common.LESSONS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            parser.error(f"no lesson called {name!r}; {hint}python -m demos --list lists them all")
    if args.list:
        print("Lessons: python -m demos.NAME [--quick] [--out DIR], or open notebooks/NAME.ipynb\n")
        width = max(map(len, common.LESSONS))
        for name in common.LESSONS:
            print(f"  {name:<{width}}  {common.lesson_summary(name)}")
        return
    pictures = []
    for name in args.names or HEADLINE:
        banner = f" python -m demos.{name} "
        print(f"\n{banner:=^100}\n")
        pictures += common.run(name, quick=args.quick, out=Path(args.out) / name)["figures"]
    print(f"\n{' pictures ':=^100}")
    for path in pictures:
        print(f"  {path}")
    print("\nMore lessons: python -m demos --list; every lesson as a notebook: make notebook")


if __name__ == "__main__":
    main()
