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
# Two malloc arenas: the libuv pool threads otherwise each take their own (about 12 MB more under load).
ENV MALLOC_ARENA_MAX=2
# A 4 MB young generation (V8's default grows to 16 MB per semi-space) keeps a busy process near 110 MB
# resident, with no measurable loss of throughput (bench/RESULTS.md).
CMD ["node", "--max-semi-space-size=4", "bin/tessera.js", "start", "--host", "0.0.0.0"]
