"""Regenerate the README's lesson gallery: run every lesson (full, not --quick) and keep its main picture.

`python -m demos.gallery [--docs docs/lessons]` runs each lesson into a
temporary folder and writes its main picture (the first of its figures),
shrunk and reduced to 256 colours, as docs/lessons/NAME.png: small enough
(well under 100 KB each) to commit.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from PIL import Image  # matplotlib's own dependency

from . import common

MAX_WIDTH = 1000  # pixels


def shrink(source: Path, target: Path, max_width: int = MAX_WIDTH) -> int:
    """Copy a PNG, at most max_width wide and palette-coded; returns the new file's size in bytes."""
    with Image.open(source) as opened:
        image = opened.convert("RGB")
        if image.width > max_width:
            size = (max_width, round(image.height * max_width / image.width))
            image = image.resize(size, Image.Resampling.LANCZOS)
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m demos.gallery", description=__doc__.strip().split("\n\n")[0]
    )
    parser.add_argument(
        "--docs", default="docs/lessons", help="where the pictures go (default: docs/lessons/)"
    )
    parser.add_argument("names", nargs="*", help="only these lessons (default: all)")
    args = parser.parse_args(argv)
    docs = Path(args.docs)
    docs.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.names or common.LESSONS:
            print(f"\n{f' {name} ':=^100}")
            result = common.run(name, quick=False, out=Path(tmp) / name)
            main_picture = next(p for p in result["figures"] if Path(p).suffix == ".png")
            size = shrink(Path(main_picture), docs / f"{name}.png")
            rows.append((name, str(docs / f"{name}.png"), f"{size / 1024:.0f} KB"))
    print(f"\n{' gallery ':=^100}")
    print(common.table(["lesson", "picture", "size"], rows))


if __name__ == "__main__":
    main()
