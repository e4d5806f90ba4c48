# syntax=docker/dockerfile:1
# eviStream container image: a multi-stage build with cargo-leptos, then a small
# Debian runtime with the binary, the built site and a non-root user.
#
#   docker build -t evistream .
#   docker run -e DATABASE_URL=postgres://... -p 3000:3000 evistream
#
# The same image runs `serve` (default), `worker`, `migrate`, `create-user`.

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
 && apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tools first, pinned in one place, so this layer is cached across code changes.
COPY scripts/versions.env scripts/versions.env
RUN . scripts/versions.env \
 && cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked \
 && cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
# npm's binaryen provides the wasm-opt that cargo-leptos runs for --release.
COPY end2end/package.json end2end/package-lock.json end2end/
RUN cd end2end && npm ci --no-audit --no-fund --omit=optional
ENV PATH=/src/end2end/node_modules/.bin:$PATH \
    SQLX_OFFLINE=true
COPY . .
# pdf.js (pdfjs-dist from npm) is served by the app for the review pane.
RUN mkdir -p public/pdfjs \
 && cp end2end/node_modules/pdfjs-dist/build/pdf.min.mjs end2end/node_modules/pdfjs-dist/build/pdf.worker.min.mjs public/pdfjs/ \
 && cargo leptos build --release --split \
 && target/release/evistream precompress target/site \
 && mkdir -p /out \
 && cp target/release/evistream target/release/hash.txt /out/ \
 && cp -r target/site /out/site

FROM debian:bookworm-slim AS runtime
# `evistream backup` and `restore` run pg_dump / pg_restore, which must be at
# least as new as the server: PostgreSQL's own apt repository provides the
# client of PG_MAJOR (it reads servers up to that release; Debian's is 15).
ARG PG_MAJOR=17
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl poppler-utils tesseract-ocr tesseract-ocr-eng \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && apt-get purge -y curl && apt-get autoremove -y \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin evistream
WORKDIR /app
COPY --from=build /out/evistream /out/hash.txt /usr/local/bin/
COPY --from=build /out/site /app/site
ENV LEPTOS_OUTPUT_NAME=evistream \
    LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_PKG_DIR=pkg \
    LEPTOS_SITE_ADDR=0.0.0.0:3000 \
    LEPTOS_ENV=PROD \
    LEPTOS_HASH_FILES=true \
    EVISTREAM_LOG_FORMAT=json
USER evistream:evistream
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["evistream", "healthcheck"]
# SIGTERM from `docker stop` triggers the graceful shutdown.
STOPSIGNAL SIGTERM
ENTRYPOINT ["evistream"]
CMD ["serve"]
