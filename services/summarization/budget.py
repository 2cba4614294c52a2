"""How many sentences a summary gets: the one rule shared by the worker and the evaluation."""

from shared.models import SummaryOptions
from shared.settings import Settings


def summary_budget(options: SummaryOptions, n_sentences: int, settings: Settings) -> int:
    """Sentences asked for, else a ratio (at least one), else the default; never above the caps."""
    if options.sentences is not None:
        wanted = options.sentences
    elif options.ratio is not None:
        wanted = max(1, round(options.ratio * n_sentences))
    else:
        wanted = settings.summary_sentences
    return max(0, min(wanted, settings.summary_max_sentences, n_sentences))
