# syntax=docker/dockerfile:1
# rc-enrich: multi-stage build on the current Node LTS, running as a non-root user.

FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm ci` runs the `prepare` script (the TypeScript build), so the sources must be there first.
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev

FROM node:26-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
# The app's files belong to root and are read-only to the runtime user: a compromised process cannot
# rewrite the code it runs. The service writes nothing under /app (state is in Redis; the file adapter
# writes where CRM_FILE_PATH points, e.g. a mounted volume).
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
USER node
EXPOSE 3000
# Liveness without curl (not in the slim image): Node's own fetch against /health/live.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: the service is PID 1's only child of note and receives SIGTERM for a graceful shutdown.
CMD ["node", "dist/main.js"]
