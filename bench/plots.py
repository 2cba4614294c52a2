"""The benchmark's two plots, written as PNG files (matplotlib, no display needed)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # after use(): the backend is chosen first


def latency_plot(latencies_ms: dict[str, list[float]], path: Path) -> None:
    """Cumulative distribution of end-to-end latency, one line per phase."""
    figure, axes = plt.subplots(figsize=(7, 4))
    for label, values in latencies_ms.items():
        ordered = sorted(values)
        if not ordered:
            continue
        share = [(i + 1) / len(ordered) for i in range(len(ordered))]
        axes.step([v / 1000 for v in ordered], share, where="post", label=label)
    axes.set_xlabel("submit -> done (s)")
    axes.set_ylabel("share of articles")
    axes.set_title("End-to-end latency")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def workers_plot(points: dict[int, float], inprocess: float, cores: int, path: Path) -> None:
    """Throughput against extraction pool processes, with the in-process baseline."""
    figure, axes = plt.subplots(figsize=(7, 4))
    workers = sorted(points)
    axes.plot(workers, [points[w] for w in workers], marker="o", label="distributed")
    axes.axhline(inprocess, color="grey", linestyle="--", label=f"in-process, {cores} processes")
    axes.set_xticks(workers)
    axes.set_xlabel("extraction worker processes")
    axes.set_ylabel("articles/s")
    axes.set_ylim(bottom=0)
    axes.set_title(f"Throughput on {cores} cores")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
