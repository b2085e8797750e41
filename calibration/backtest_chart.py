"""The back-test chart: stock error by horizon for the model and the two baselines (every
authority, then the small ones), and how often the model's 90% band covers the published
stock against the 80–95% the issue asks for. PNG and SVG, byte-identical for identical
inputs (no date in the metadata, a fixed SVG hash salt)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SERIES = (
    ("model", "carepaths forecast", "#1b6ca8", "o"),
    ("carry_forward", "carry-forward of the stock", "#888888", "s"),
    ("markov", "Markov mean-field (peers' method)", "#d9822b", "^"),
)


def write_chart(folder: Path, summary: Sequence[dict[str, Any]], title: str) -> list[Path]:
    """Write ``backtest.png`` and ``backtest.svg`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    plt.rcParams["svg.hashsalt"] = "carepaths"
    stock = [r for r in summary if r["measure"] == "stock"]
    groups = [g for g in dict.fromkeys(r["group"] for r in stock) if g != "250 or more"]
    fig, axes = plt.subplots(1, len(groups) + 1, figsize=(4.2 * (len(groups) + 1), 3.8))
    for ax, group in zip(axes, groups, strict=False):
        rows = [r for r in stock if r["group"] == group]
        h = [r["horizon"] for r in rows]
        for key, label, colour, marker in SERIES:
            ax.plot(h, [r[f"{key}_mdape"] for r in rows], marker=marker, color=colour, label=label)
        n = max((r["authorities"] for r in rows), default=0)
        ax.set_title(f"Stock error, {group} authorities (n≤{n})", fontsize=10)
        ax.set_xlabel("years after the origin")
        ax.set_ylabel("median absolute % error")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="upper left")
    ax = axes[-1]
    rows = [r for r in stock if r["group"] == "all"]
    ax.axhspan(80, 95, color="#1b6ca8", alpha=0.12, label="80–95% asked for")
    ax.plot(
        [r["horizon"] for r in rows],
        [r["coverage_90"] for r in rows],
        marker="o",
        color="#1b6ca8",
        label="all",
    )
    small = [r for r in stock if r["group"] == groups[-1]] if len(groups) > 1 else []
    if small:
        ax.plot(
            [r["horizon"] for r in small],
            [r["coverage_90"] for r in small],
            marker="v",
            color="#6a3d9a",
            label=groups[-1],
        )
    ax.set_ylim(0, 100)
    ax.set_title("90% band covers the published stock", fontsize=10)
    ax.set_xlabel("years after the origin")
    ax.set_ylabel("% of authorities")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")
    fig.suptitle(f"Back-test {title}: the model against carry-forward and the Markov mean-field")
    fig.tight_layout()
    paths = [folder / "backtest.png", folder / "backtest.svg"]
    fig.savefig(paths[0], dpi=120, metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths
