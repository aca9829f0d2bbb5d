#!/bin/bash
# Runs once, when the PostgreSQL volume is created, as the image's superuser: the roles of
# the dev stack (devstack/postgres.py). `keycloak` and `portal` each own their database and
# nothing else: no superuser, no CREATEDB/CREATEROLE, CONNECT revoked from PUBLIC.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  --set=keycloak_password="$KEYCLOAK_DB_PASSWORD" --set=portal_password="$PORTAL_DB_PASSWORD" <<'SQL'
CREATE ROLE keycloak LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'keycloak_password';
CREATE ROLE portal LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'portal_password';
CREATE DATABASE keycloak OWNER keycloak;
CREATE DATABASE portal OWNER portal;
REVOKE ALL ON DATABASE keycloak FROM PUBLIC;
REVOKE ALL ON DATABASE portal FROM PUBLIC;
REVOKE ALL ON DATABASE postgres FROM PUBLIC;
SQL
