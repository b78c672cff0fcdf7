# Sitrep: one process serving GraphQL, websockets, webhooks and the console on $PORT.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# Dev dependencies are left out; ts-node (a runtime dependency) runs the TypeScript sources.
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ormconfig.ts ./
COPY src ./src
COPY schema ./schema
USER node
EXPOSE 4000
# Node as PID 1 gets SIGTERM directly and shuts down gracefully (see src/main.ts).
CMD ["node", "-r", "ts-node/register/transpile-only", "src/main.ts"]
