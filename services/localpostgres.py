"""A private PostgreSQL server for tests and benchmarks: ``initdb`` + ``pg_ctl`` on a free port.

Never the server this machine may already run: the cluster lives in a directory of the caller's
and listens on 127.0.0.1 only. PostgreSQL refuses to run as root, so under root (CI) the cluster
belongs to the ``postgres`` system user that Debian's package creates, and the programs run as it.
"""

import os
import pwd
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEBIAN_BIN = Path("/usr/lib/postgresql")
DATABASE = "newsflow"


def postgres_bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    versions = sorted(DEBIAN_BIN.glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if versions:
        return versions[-1].parent
    raise FileNotFoundError("no pg_ctl: install Debian's postgresql package (.ci/run does)")


@dataclass
class PostgresServer:
    port: int
    data_dir: Path
    durable: bool = False  # fsync off unless asked: tests need no crash safety, benchmarks do

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://newsflow@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, argv: Sequence[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        as_user: list[str] = []
        if os.geteuid() == 0:
            as_user = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        return subprocess.run(
            [*as_user, *argv], check=check, capture_output=True, text=True, timeout=120
        )

    def start(self) -> None:
        bin_dir = postgres_bin_dir()
        cluster = self.data_dir / "cluster"
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            # The postgres user must reach data_dir: callers put it one level into a fresh
            # temporary directory (/tmp/x/data), whose traverse bit for others is set here.
            self.data_dir.mkdir(parents=True, exist_ok=True)
            parent = self.data_dir.parent
            parent.chmod(parent.stat().st_mode | 0o001)
            os.chown(self.data_dir, user.pw_uid, user.pw_gid)
            self.data_dir.chmod(0o700)
        if not (cluster / "PG_VERSION").exists():
            self._run(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(cluster),
                    "-U",
                    "newsflow",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",  # character classes of Unicode: ‘quotes’ are not letters
                ]
            )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.data_dir}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off"
        self._run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(cluster),
                "-o",
                options,
                "-l",
                str(self.data_dir / "postgres.log"),
                "-w",
                "start",
            ]
        )
        created = self._run(
            [
                str(bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "newsflow",
                DATABASE,
            ],
            check=False,
        )
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise RuntimeError(f"createdb failed: {created.stderr}")

    def stop(self) -> None:
        cluster = self.data_dir / "cluster"
        if (cluster / "postmaster.pid").exists():
            self._run(
                [str(postgres_bin_dir() / "pg_ctl"), "-D", str(cluster), "-m", "fast", "stop"],
                check=False,
            )
