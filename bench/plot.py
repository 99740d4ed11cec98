#!/usr/bin/env python3
"""Draws the plots `unitag bench` asks for: every suite in RESULTS.json lists plot specs
(file, kind line|bar, title, axis labels, log axes, series); each becomes OUT_DIR/FILE, with the
command that reproduces it in the figure's footer. Needs Debian's python3-matplotlib.

  bench/plot.py RESULTS.json OUT_DIR
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def draw(spec, meta, out_dir):
    fig, ax = plt.subplots(figsize=(8, 4.8))
    if spec["kind"] == "bar":
        cats = spec["categories"]
        width = 0.8 / len(spec["series"])
        for i, s in enumerate(spec["series"]):
            xs = [j + (i - (len(spec["series"]) - 1) / 2) * width for j in range(len(cats))]
            ax.bar(xs, s["y"], width, label=s["label"])
        ax.set_xticks(range(len(cats)))
        ax.set_xticklabels(cats, rotation=30, ha="right", fontsize=8)
    else:
        for s in spec["series"]:
            ax.plot(s["x"], s["y"], marker="o", label=s["label"])
        if spec.get("xlog"):
            ax.set_xscale("log", base=2)
    if spec.get("ylog"):
        # symlog: zero (nothing missed, or a machine that does not run the image) stays drawable
        ax.set_yscale("symlog", linthresh=0.01)
    ax.set_title(spec["title"])
    ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    fig.text(0.01, 0.01, f"{spec['command']}  |  {meta['revision']}  |  {meta['host']}",
             fontsize=6, color="gray")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(os.path.join(out_dir, spec["file"]), dpi=110)
    plt.close(fig)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        results = json.load(f)
    for suite in results["suites"].values():
        for spec in suite.get("plots", []):
            draw(spec, results, sys.argv[2])


if __name__ == "__main__":
    main()
