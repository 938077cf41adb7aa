# syntax=docker/dockerfile:1
# API image. Build:  docker build -t nest-keycloak-api .
# (docker-compose.yml builds it for `npm run stack`.)

# Node 26, the Active LTS line, on Debian 13 "trixie" (current stable; bookworm is in LTS only).
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/nest-keycloak-auth/package.json ./packages/nest-keycloak-auth/
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json tsconfig.build.json nest-cli.json ./
COPY packages/nest-keycloak-auth ./packages/nest-keycloak-auth
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:26-trixie-slim AS runtime
ENV NODE_ENV=production \
    PORT=8000
WORKDIR /app
# Files stay root-owned (read-only for the app); the process runs as the image's non-root user.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
# node_modules/nest-keycloak-auth links to the workspace package: its manifest and build.
COPY --from=build /app/packages/nest-keycloak-auth/package.json ./packages/nest-keycloak-auth/package.json
COPY --from=build /app/packages/nest-keycloak-auth/dist ./packages/nest-keycloak-auth/dist
COPY --from=build /app/dist ./dist
# The SQL migrations the app applies at start-up (src/database/database-connection.ts).
COPY drizzle ./drizzle
# Without DATABASE_URL the embedded database needs a folder the app may write.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The production start command, heap cap included (see README "Performance"). npm forwards
# SIGTERM to the app, so `docker stop` still shuts it down gracefully.
CMD ["npm", "run", "start:prod"]
