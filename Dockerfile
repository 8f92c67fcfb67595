# The dbops CLI in a container: Node.js 24, the PostgreSQL client tools of several server majors (dbops picks the
# pg_dump of each server's own major, else the oldest newer one), zstd and age.
#   docker build -t dbops .
#   docker run --rm -e DATABASE_URL -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY dbops backup --to s3://bucket/prefix
# Secrets go in with -e NAME (taken from the caller's environment), never as flags. See docs/install.md.

# 1. The npm package, built from this checkout exactly as CI packs it (scripts/pack-cli.mjs).
FROM node:24-slim AS package
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json ./
COPY packages packages
COPY scripts scripts
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npx tsc -b packages/cli \
 && node scripts/pack-cli.mjs --pack-destination /out

# 2. The runtime: Debian's zstd and age, and PostgreSQL's client tools from the PGDG repository (Debian itself has
# one major only), which postgresql-common's script sets up.
FROM node:24-slim
ARG PG_MAJORS="14 15 16 17 18"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates postgresql-common zstd age \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends $(for v in $PG_MAJORS; do echo "postgresql-client-$v"; done) \
 && rm -rf /var/lib/apt/lists/*
COPY --from=package /out/ /tmp/dbops/
RUN npm install -g --no-audit --no-fund /tmp/dbops/dbops-*.tgz && rm -rf /tmp/dbops
USER node
WORKDIR /home/node
ENTRYPOINT ["dbops"]
CMD ["--help"]
