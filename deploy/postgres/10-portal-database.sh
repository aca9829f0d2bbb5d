#!/bin/bash
# Runs once, when the PostgreSQL volume is created: the portal adapter's own database and
# role (least privilege: it owns its database and nothing of Keycloak's).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=portal_password="$PORTAL_DB_PASSWORD" <<'SQL'
CREATE ROLE portal LOGIN PASSWORD :'portal_password';
CREATE DATABASE portal OWNER portal;
SQL
