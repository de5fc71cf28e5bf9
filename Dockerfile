# Critboard in a container: the same build steps `make build` runs, then a
# slim runtime. No Docker engine runs on our build machines, so CI tests
# those commands, not this file's build (docs/adr/013-operations.md).
#
#   docker build -t critboard --build-arg CRITBOARD_COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run -p 8080:8080 -v critboard-data:/data critboard

# 1. The web app (what `make web` does).
FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/ ./
RUN npm run build

# 2. The binary, with web/dist embedded (what `make build` does).
FROM rust:1-bookworm AS build
ARG CRITBOARD_COMMIT=unknown
ENV CRITBOARD_COMMIT=${CRITBOARD_COMMIT}
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates/ crates/
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked --bin critboard

# 3. The runtime: the binary, tini to pass signals on, and Chromium for
#    website captures unless built with --build-arg CHROMIUM=false.
#    Orchestrators probe GET /readyz (database reachable) on port 8080.
FROM debian:bookworm-slim
ARG CHROMIUM=true
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tini \
 && if [ "$CHROMIUM" = "true" ]; then apt-get install -y --no-install-recommends chromium fonts-noto-core; fi \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data --uid 10001 critboard \
 && mkdir -p /data && chown critboard /data
COPY --from=build /src/target/release/critboard /usr/local/bin/critboard
USER critboard
ENV CRITBOARD_LISTEN=0.0.0.0:8080 \
    CRITBOARD_DATA_DIR=/data \
    CRITBOARD_LOG_FORMAT=json
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["tini", "--", "critboard"]
CMD ["serve"]
