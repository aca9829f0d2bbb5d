#!/bin/bash
# The backup service of docker-compose.yml: every BACKUP_INTERVAL_HOURS, both databases
# dumped by their owner roles (pg_dump, custom format) into /backups/<UTC time>/, then the
# dumps older than BACKUP_KEEP_DAYS removed. Restore: README, « Backups ».
# The dumps hold password hashes and client secrets: keep BACKUP_DIR encrypted and private.
set -euo pipefail
umask 077
: "${BACKUP_INTERVAL_HOURS:=24}" "${BACKUP_KEEP_DAYS:=14}" "${PGHOST:=postgres}" "${BACKUP_ROOT:=/backups}"
export PGHOST

dump_all() {
    local folder
    folder="$BACKUP_ROOT/$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$folder.partial"
    PGPASSWORD="$KEYCLOAK_DB_PASSWORD" pg_dump --username=keycloak --format=custom \
        --file="$folder.partial/keycloak.pgdump" keycloak
    PGPASSWORD="$PORTAL_DB_PASSWORD" pg_dump --username=portal --format=custom \
        --file="$folder.partial/portal.pgdump" portal
    mv "$folder.partial" "$folder"
    echo "backup written to $folder"
    find "$BACKUP_ROOT" -mindepth 1 -maxdepth 1 -type d -mtime "+$BACKUP_KEEP_DAYS" -exec rm -rf {} +
}

if [[ ${1:-} == --once ]]; then
    dump_all
    exit 0
fi
while true; do
    dump_all || echo "backup FAILED at $(date -u +%FT%TZ)" >&2
    sleep "$(( BACKUP_INTERVAL_HOURS * 3600 ))"
done
