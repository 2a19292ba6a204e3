# Tessera, one node per container. compose.yaml runs three of them behind nginx on PostgreSQL;
# docs/deployment.md explains the setup.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 and @node-rs/argon2 install prebuilt binaries; the compilers are the fallback when none fits.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    TESSERA_DATA=/var/lib/tessera
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY scripts/build.mjs ./scripts/build.mjs
# The bundle (dist/tessera.mjs) starts faster and smaller than compiling TypeScript at run time.
RUN node scripts/build.mjs
# The data directory: the SQLite database when DATABASE_URL is unset. Owned by the unprivileged user.
RUN mkdir -p /var/lib/tessera && chown node:node /var/lib/tessera
USER node
VOLUME ["/var/lib/tessera"]
EXPOSE 8443
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.TESSERA_PORT || 8443) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Listening on all interfaces needs server.tls, or server.allow_insecure_http behind a TLS proxy, in the config file.
# glibc malloc: two arenas (the libuv pool threads otherwise each keep one) and a fixed mmap threshold (an
# argon2id hash's 19 MiB is then returned when freed). V8: a 2 MB young generation and 128 MB of old space
# (five times a busy server's live heap). Together they keep a busy process near 120 MB resident
# (src/runtime/node-tuning.ts, bench/RESULTS.md).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
CMD ["node", "--max-semi-space-size=2", "--max-old-space-size=128", "bin/tessera.js", "start", "--host", "0.0.0.0"]
