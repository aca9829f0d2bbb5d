#!/bin/bash
# The metropolis's administrators of Keycloak (master realm), through the admin API:
#   admins.sh add USERNAME EMAIL FIRST_NAME LAST_NAME
#       a named administrator (master realm role `admin`) with the temporary password
#       NEW_ADMIN_PASSWORD, to change at first login, and an OTP second factor to configure then;
#   admins.sh remove-bootstrap
#       deletes the bootstrap account (BOOTSTRAP_ADMIN_USER, `admin`), refused while logged in
#       as it or when no other administrator exists.
# Logs in as SYNC_ADMIN_USER (kcadm-login.sh). README, « Administrators ». Tested by
# tests/test_realm_sync.py against a real Keycloak.
set -euo pipefail
source "${0%/*}/kcadm-login.sh"
BOOTSTRAP_ADMIN_USER=${BOOTSTRAP_ADMIN_USER:-admin}

user_id() {
    kcadm get users -r master -q "username=$1" -q exact=true --fields id --format csv --noquotes
}

case ${1:-} in
add)
    (( $# == 5 )) || { echo "usage: $0 add USERNAME EMAIL FIRST_NAME LAST_NAME" >&2; exit 64; }
    : "${NEW_ADMIN_PASSWORD:?set NEW_ADMIN_PASSWORD, the temporary password to hand over}"
    kcadm create users -r master -s "username=$2" -s "email=$3" -s "firstName=$4" -s "lastName=$5" \
        -s enabled=true -s emailVerified=true -s 'requiredActions=["UPDATE_PASSWORD","CONFIGURE_TOTP"]'
    id=$(user_id "$2")
    printf '{"type": "password", "value": "%s", "temporary": true}' "$NEW_ADMIN_PASSWORD" \
        | kcadm update "users/$id/reset-password" -r master -f -
    kcadm add-roles -r master --uid "$id" --rolename admin
    echo "administrator $2 created: temporary password, OTP to configure at first login"
    ;;
remove-bootstrap)
    if [[ $SYNC_ADMIN_USER == "$BOOTSTRAP_ADMIN_USER" ]]; then
        echo "Log in as a named administrator (SYNC_ADMIN_USER) to remove $BOOTSTRAP_ADMIN_USER." >&2
        exit 1
    fi
    others=$(kcadm get roles/admin/users -r master --fields username --format csv --noquotes | grep -vx "$BOOTSTRAP_ADMIN_USER" || true)
    [[ -n $others ]] || { echo "No other administrator: add one first (admins.sh add)." >&2; exit 1; }
    id=$(user_id "$BOOTSTRAP_ADMIN_USER")
    [[ -n $id ]] || { echo "$BOOTSTRAP_ADMIN_USER is already gone."; exit 0; }
    kcadm delete "users/$id" -r master
    echo "bootstrap administrator $BOOTSTRAP_ADMIN_USER removed; administrators: $(echo $others)"
    ;;
*)
    echo "usage: $0 add USERNAME EMAIL FIRST_NAME LAST_NAME | remove-bootstrap" >&2
    exit 64
    ;;
esac
