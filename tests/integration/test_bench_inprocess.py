"""The bench's in-process baseline: real models in a pool of forked processes that gives back
every article's CPU time and is let finish, leaving no process behind. (The race this closing
avoids, ``terminate()`` hanging on a worker that waits on the task queue's lock, is too rare to
provoke in a test: once in some thirty bench runs.)"""

import multiprocessing

from bench.inprocess import run_inprocess
from services.seeds import seed_submissions


def test_baseline_runs_every_article_and_leaves_no_process() -> None:
    articles = seed_submissions()[:2] * 2
    run = run_inprocess(articles, processes=2)
    assert run.articles == 4
    assert run.seconds > 0
    assert run.cpu_ms_per_article > 0
    assert multiprocessing.active_children() == []
