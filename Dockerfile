# One image for every role (ROLE=api | worker | all); docker-compose.yml runs it as both.
# Build: docker build -t pension-campaigns:local .

# The console is built with the dev dependencies (vite, react), which the runtime image leaves out.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# tsx is a runtime dependency: the server runs from its TypeScript sources, as in development.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY . .
COPY --from=web /app/web/dist ./web/dist
# The upload volume (UPLOAD_DIR) starts with this folder's owner, so the app can write to it.
RUN mkdir -p /data/uploads /data/secrets && chown node:node /data/uploads /data/secrets && chmod 700 /data/secrets
USER node
EXPOSE 3000
# node itself is PID 1 (no npm/npx in between), so SIGTERM from `docker stop` reaches the app's
# graceful shutdown: the worker drains its tasks and the API finishes in-flight requests.
# --max-semi-space-size=64: the young generation a million-row import needs (scripts/start.ts says why).
CMD ["node", "--max-semi-space-size=64", "--import", "tsx", "server/main.ts"]
