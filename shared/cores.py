"""How many cores this process may really use: the basis of the default worker concurrency.

``os.cpu_count()`` reports the host's cores, not a container's share: a worker with a 2-CPU
quota on a 64-core node would start 64 pool processes and thrash. The quota comes from cgroup v2
(``cpu.max``) or v1 (``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``), the affinity mask from the
scheduler; the smallest wins, rounded up, at least 1.
"""

import math
import os
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def _quota(root: Path) -> float | None:
    """CPUs granted by the cgroup quota, or None when unlimited or unreadable."""
    try:
        fields = (root / "cpu.max").read_text().split()
        if fields and fields[0] != "max":
            return int(fields[0]) / int(fields[1])
        return None
    except (OSError, ValueError, IndexError):
        pass
    try:
        quota = int((root / "cpu" / "cpu.cfs_quota_us").read_text())
        period = int((root / "cpu" / "cpu.cfs_period_us").read_text())
    except (OSError, ValueError):
        return None
    return quota / period if quota > 0 and period > 0 else None


def available_cores(cgroup_root: Path = CGROUP) -> int:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    counts = [c for c in (affinity, os.cpu_count()) if c]
    cores = float(min(counts)) if counts else 1.0
    quota = _quota(cgroup_root)
    if quota is not None:
        cores = min(cores, quota)
    return max(1, math.ceil(cores))
