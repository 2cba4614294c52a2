# One multi-stage build; each service is a target carrying only what it needs:
#   gateway (also collector and flower) · ingest · extraction · summarization
# The gateway image has no NLP package (tests/unit/test_compose_file.py checks the requirements).

FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/venv/bin:$PATH \
    PYTHONPATH=/app
RUN useradd --create-home --uid 10001 --user-group newsflow
WORKDIR /app
COPY requirements/ /tmp/requirements/

FROM base AS venv-gateway
RUN python -m venv /venv && pip install -q pip==26.3 && pip install -r /tmp/requirements/gateway.txt

FROM base AS venv-ingest
RUN python -m venv /venv && pip install -q pip==26.3 && pip install -r /tmp/requirements/ingest.txt

FROM base AS venv-extraction
RUN python -m venv /venv && pip install -q pip==26.3 && pip install -r /tmp/requirements/extraction.txt \
 && pip install --no-deps --require-hashes -r /tmp/requirements/model.txt

FROM base AS venv-summarization
RUN python -m venv /venv && pip install -q pip==26.3 && pip install -r /tmp/requirements/summarization.txt

FROM base AS gateway
COPY --from=venv-gateway /venv /venv
COPY shared/ shared/
COPY services/__init__.py services/__init__.py
COPY services/gateway/ services/gateway/
USER newsflow
EXPOSE 8000 5555
CMD ["uvicorn", "--factory", "services.gateway.app:create_app", "--no-access-log"]

FROM base AS ingest
COPY --from=venv-ingest /venv /venv
COPY shared/ shared/
COPY services/__init__.py services/__init__.py
COPY services/ingest/ services/ingest/
USER newsflow
CMD ["celery", "--app", "services.ingest.worker", "worker", "--queues", "ingest", "--hostname", "ingest@%h", "--loglevel", "INFO"]

FROM base AS extraction
COPY --from=venv-extraction /venv /venv
COPY shared/ shared/
COPY services/__init__.py services/__init__.py
COPY services/extraction/ services/extraction/
USER newsflow
CMD ["celery", "--app", "services.extraction.worker", "worker", "--queues", "extraction", "--hostname", "extraction@%h", "--loglevel", "INFO"]

FROM base AS summarization
COPY --from=venv-summarization /venv /venv
COPY shared/ shared/
COPY services/__init__.py services/__init__.py
COPY services/summarization/ services/summarization/
USER newsflow
CMD ["celery", "--app", "services.summarization.worker", "worker", "--queues", "summarization", "--hostname", "summarization@%h", "--loglevel", "INFO"]
