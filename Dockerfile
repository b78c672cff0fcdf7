# syntax=docker/dockerfile:1
# Sitrep: one process serving GraphQL, websockets, webhooks and the console on $PORT,
# running the compiled JavaScript (node dist/src/main.js) with production dependencies only.
#
# Targets:
#   server      needs DATABASE_URL; no PostgreSQL binaries (docker-compose.yml runs this)
#               docker build --target server -t sitrep:server .
#   standalone  the default: also carries the embedded PostgreSQL, for a single
#               `docker run -p 4000:4000 -v sitrep-data:/app/data sitrep` without DATABASE_URL

# --- build: every dependency, TypeScript compiled to dist/ (with the console's files).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

# --- what both runtime images share: no sources, a writable data directory owned by `node`.
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=4000 \
    DATA_DIR=/app/data
COPY package.json package-lock.json ./
RUN mkdir -p /app/data && chown node:node /app/data
EXPOSE 4000
# The slim image has no curl; Node's fetch asks /readyz (database reachable, migrations done).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '/readyz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node as PID 1 gets SIGTERM from `docker stop` directly and shuts down gracefully (src/main.ts).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]

# --- server: production dependencies without the optional embedded PostgreSQL.
FROM runtime AS server
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node

# --- standalone (default): production dependencies with the embedded PostgreSQL, which runs
# as `node` (PostgreSQL refuses root) with its cluster in the /app/data volume.
FROM runtime AS standalone
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
VOLUME /app/data
