# syntax=docker/dockerfile:1
# Multi-stage: build with the Swift toolchain, run on Debian slim with only
# the C libraries safemut links (libpq, hiredis, OpenSSL, zlib).
FROM swift:6.1-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq-dev libhiredis-dev libssl-dev zlib1g-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product safemut --static-swift-stdlib \
 && swift build -c release --product intelgraph-demo --static-swift-stdlib \
 && mkdir /out \
 && cp "$(swift build -c release --show-bin-path)/safemut" "$(swift build -c release --show-bin-path)/intelgraph-demo" /out/

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpq5 libhiredis0.14 libssl3 zlib1g ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin safemut
COPY --from=build /out/safemut /out/intelgraph-demo /usr/local/bin/
# `safemut migrate` reads db/migrations relative to the working directory, so the image
# carries them under its WORKDIR: `docker run … safemut migrate` works as it does from a
# checkout. The four-eyes policy ships beside them for an external OPA to load.
COPY db/migrations /usr/share/safemut/db/migrations
COPY policies /usr/share/safemut/policies
WORKDIR /usr/share/safemut
# The documented example, listening beyond loopback as a container must. It names no
# schema: mount your safemut.yaml (schema.path, identity, database.url, redis.url) over
# /etc/safemut/safemut.yaml, as ops/k8s/safemut-sidecar.yaml does; without one, serve
# stops at start with "config error: schema.path: required".
COPY examples/safemut.yaml /etc/safemut/safemut.yaml
RUN sed -i 's/^listen: 127.0.0.1:4000$/listen: 0.0.0.0:4000/' /etc/safemut/safemut.yaml \
 && grep -q '^listen: 0.0.0.0:4000$' /etc/safemut/safemut.yaml
USER safemut
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:4000/health || exit 1
ENTRYPOINT ["/usr/local/bin/safemut"]
CMD ["serve", "--config", "/etc/safemut/safemut.yaml"]
