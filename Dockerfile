# syntax=docker/dockerfile:1
# Operator: multi-stage image. The build stage installs everything and compiles the TypeScript; the runtime stage
# carries only core, the first-party plugins (compiled) and production node_modules, and runs as a non-root user.
#
#   docker build -t operator .
#   docker run --rm -p 127.0.0.1:5000:5000 --env-file /etc/operator/env operator
#
# Node 20 as in package.json's "engines" (>= 20.18); bookworm-slim as glibc base (no curl: the HEALTHCHECK uses node).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# Manifests first, so the dependency layer is reused while only sources change. Every workspace's package.json must
# be present for `npm ci` to lay out the workspace links.
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY core/package.json core/
COPY test-support/package.json test-support/
COPY plugins/commands-builtin/package.json plugins/commands-builtin/
COPY plugins/prometheus/package.json plugins/prometheus/
COPY plugins/datadog/package.json plugins/datadog/
COPY plugins/logs/package.json plugins/logs/
COPY plugins/database/package.json plugins/database/
COPY plugins/gateway/package.json plugins/gateway/
COPY plugins/interpreter/package.json plugins/interpreter/
# better-sqlite3 (the embedded store) is a native addon: where no prebuilt binary can be fetched it compiles, which
# needs python3, make and g++ (not in the slim image). They stay in this stage only.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# --ignore-scripts: the root "prepare" script runs `tsc -b`, and the sources are not copied yet. The one dependency
# with an install script, better-sqlite3, is then built on its own.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY core/ core/
COPY test-support/ test-support/
COPY plugins/ plugins/
RUN npx tsc -b \
 && mkdir -p core/.cache \
 && node core/bin/warm-validators.js \
 && npm prune --omit=dev --ignore-scripts

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=5000 \
    LOG_FORMAT=json
WORKDIR /app
# Only what the daemon loads: the root manifest (workspace layout), production node_modules (with the workspace
# links node_modules/@operator/* -> ../../core, ../../plugins/*), core's own nested node_modules, and each package's
# package.json + dist. Owned by root and read-only to the runtime user.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/core/package.json core/
COPY --from=build /app/core/dist/ core/dist/
# Compiled config validators (warm-validators.js): read-only here, so the daemon starts without compiling schemas.
COPY --from=build /app/core/.cache/ core/.cache/
COPY --from=build /app/core/node_modules/ core/node_modules/
COPY --from=build /app/plugins/commands-builtin/package.json plugins/commands-builtin/
COPY --from=build /app/plugins/commands-builtin/dist/ plugins/commands-builtin/dist/
COPY --from=build /app/plugins/prometheus/package.json plugins/prometheus/
COPY --from=build /app/plugins/prometheus/dist/ plugins/prometheus/dist/
COPY --from=build /app/plugins/datadog/package.json plugins/datadog/
COPY --from=build /app/plugins/datadog/dist/ plugins/datadog/dist/
COPY --from=build /app/plugins/logs/package.json plugins/logs/
COPY --from=build /app/plugins/logs/dist/ plugins/logs/dist/
COPY --from=build /app/plugins/database/package.json plugins/database/
COPY --from=build /app/plugins/database/dist/ plugins/database/dist/
COPY --from=build /app/plugins/gateway/package.json plugins/gateway/
COPY --from=build /app/plugins/gateway/dist/ plugins/gateway/dist/
COPY --from=build /app/plugins/interpreter/package.json plugins/interpreter/
COPY --from=build /app/plugins/interpreter/dist/ plugins/interpreter/dist/
# The durable store (SQLite, operator.db) lives in /data, the one directory the unprivileged `node` user (uid 1000)
# may write: mount a volume there to keep history and idempotency records across containers, or set DATABASE_URL
# for PostgreSQL. Everything else stays read-only; logs go to stdout as JSON.
ENV OPERATOR_DATA_DIR=/data
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 5000
# Liveness only: /healthz answers while the process serves HTTP (readiness is /readyz). The daemon listens on
# 0.0.0.0 once TWILIO_AUTH_TOKEN is set (which NODE_ENV=production requires), so loopback reaches it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself (graceful stop within SHUTDOWN_GRACE_MS); `docker stop -t` must be
# larger than SHUTDOWN_GRACE_MS (default 10 s, the same as docker's default timeout: pass -t 15 or lower the grace).
STOPSIGNAL SIGTERM
CMD ["node", "core/dist/cli/bin.js", "start"]
