#!/bin/bash
# Pushes the client secrets of .env to a RUNNING Keycloak through its admin API (kcadm.sh):
# the realm is imported only once (--import-realm skips an existing realm), so a rotated
# PORTAL_CLIENT_SECRET, VOIRIE_CLIENT_SECRET or PORTAL_ADAPTER_CLIENT_SECRET would otherwise
# never reach it. Realm-level settings of realm-config/hariane-pro-realm.json listed in
# SYNC_REALM_SETTINGS (e.g. "sslRequired=external attributes.adminEventsExpiration=7776000")
# are set the same way. One-shot job: `docker compose run --rm realm-sync` (README,
# « Secret rotation »). Logs in as SYNC_ADMIN_USER (kcadm-login.sh).
# Tested by tests/test_realm_sync.py against a real Keycloak.
set -euo pipefail
source "${0%/*}/kcadm-login.sh"

for pair in portal=PORTAL_CLIENT_SECRET voirie=VOIRIE_CLIENT_SECRET portal-adapter=PORTAL_ADAPTER_CLIENT_SECRET; do
    client=${pair%%=*}
    variable=${pair#*=}
    [[ -n ${!variable:-} ]] || continue
    id=$(kcadm get clients -r "$REALM" -q "clientId=$client" --fields id --format csv --noquotes)
    [[ -n $id ]] || { echo "client $client not found in realm $REALM" >&2; exit 1; }
    # on stdin, not on the command line: the secret stays out of the process list
    printf '{"secret": "%s"}' "${!variable}" | kcadm update "clients/$id" -r "$REALM" -f -
    echo "client $client: secret set from $variable"
done

settings=()
for setting in ${SYNC_REALM_SETTINGS:-}; do
    settings+=(-s "$setting")
done
if (( ${#settings[@]} )); then
    kcadm update "realms/$REALM" "${settings[@]}"
    echo "realm $REALM: ${SYNC_REALM_SETTINGS}"
fi
