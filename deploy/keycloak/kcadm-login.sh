#!/bin/bash
# Sourced by realm-sync.sh and admins.sh: logs kcadm.sh in to the master realm of KEYCLOAK_URL
# as SYNC_ADMIN_USER (a named administrator); the password is asked for when
# SYNC_ADMIN_PASSWORD is empty (nothing stored). Sets KCADM_CONFIG (removed on exit).
KCADM=${KCADM:-/opt/keycloak/bin/kcadm.sh}
REALM=${REALM:-hariane-pro}
: "${KEYCLOAK_URL:?set KEYCLOAK_URL}" "${SYNC_ADMIN_USER:?set SYNC_ADMIN_USER, a named administrator of the master realm}"
# no mktemp in the image (UBI micro): a private file named by pid and $RANDOM
KCADM_CONFIG=/tmp/kcadm-$$-$RANDOM.config
(umask 077 && : > "$KCADM_CONFIG")
trap 'rm -f "$KCADM_CONFIG"' EXIT
kcadm() { "$KCADM" "$@" --config "$KCADM_CONFIG"; }
login=(config credentials --server "$KEYCLOAK_URL" --realm master --user "$SYNC_ADMIN_USER")
if [[ -n ${SYNC_ADMIN_PASSWORD:-} ]]; then
    login+=(--password "$SYNC_ADMIN_PASSWORD")
fi
kcadm "${login[@]}"
