"""Another commit of this repository, checked out beside it, to benchmark before and after.

``git worktree`` shares the object store, so this costs a checkout, not a clone; the stack runs
its code by ``PYTHONPATH`` (ahead of the editable install) with the same venv.
"""

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def checkout(ref: str, repo: Path = Path(".")) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="newsflow-ref-") as tmp:
        path = Path(tmp) / "tree"
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "add", "--detach", "--quiet", str(path), ref],
            check=True,
        )
        try:
            yield path
        finally:
            subprocess.run(
                ["git", "-C", str(repo), "worktree", "remove", "--force", str(path)], check=False
            )
