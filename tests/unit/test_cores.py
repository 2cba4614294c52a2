from pathlib import Path

from shared.cores import available_cores


def _cgroup(tmp_path: Path, v2: str | None = None, v1: tuple[int, int] | None = None) -> Path:
    if v2 is not None:
        (tmp_path / "cpu.max").write_text(v2)
    if v1 is not None:
        (tmp_path / "cpu").mkdir()
        (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(str(v1[0]))
        (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(str(v1[1]))
    return tmp_path


def test_a_cgroup_v2_quota_caps_the_cores_rounded_up(tmp_path: Path) -> None:
    assert available_cores(_cgroup(tmp_path, v2="150000 100000")) == min(
        2, available_cores(tmp_path / "x")
    )


def test_a_cgroup_v1_quota_caps_the_cores(tmp_path: Path) -> None:
    assert available_cores(_cgroup(tmp_path, v1=(50000, 100000))) == 1


def test_no_quota_means_the_affinity_mask(tmp_path: Path) -> None:
    unlimited = available_cores(_cgroup(tmp_path, v2="max 100000"))
    assert unlimited == available_cores(tmp_path / "missing") >= 1
