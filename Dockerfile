# syntax=docker/dockerfile:1
# The newsstream image: `newsstream worker` by default; every other subcommand works too
# (docker run IMAGE replay /app/seeds/000_1ea569509353b790.txt). Settings: NEWSSTREAM_*.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY schemas ./schemas
COPY streams ./streams
# the seed files are package data (`newsstream run` finds its default by import)
COPY seeds ./seeds
# rocksdict: the driver behind NEWSSTREAM_STORE_URL=rocksdb:// (faust-streaming's
# `rocksdict` extra, range as faust-streaming's); named here too so that the compose
# worker's store never depends on the project's dependency list alone
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --upgrade pip \
    && /opt/venv/bin/pip install . "rocksdict>=0.3.11,<4.0"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSSTREAM_DATA_DIR=/data \
    NEWSSTREAM_WEB_HOST=0.0.0.0 \
    NEWSSTREAM_WEB_PORT=6066
RUN groupadd --system --gid 10001 newsstream \
    && useradd --system --uid 10001 --gid newsstream --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin newsstream \
    && mkdir -p /app /data \
    && chown newsstream:newsstream /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# also at a plain path, for `replay /app/seeds/...` (docker-compose.yml's replay service)
COPY seeds ./seeds
COPY docker/*.py ./docker/
USER 10001:10001
# Faust's RocksDB tables live here; one volume per container (never share it)
VOLUME ["/data"]
EXPOSE 6066
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=6 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["newsstream"]
CMD ["worker"]
