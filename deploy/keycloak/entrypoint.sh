#!/bin/bash
# Keycloak's entrypoint in production (docker-compose.yml): refuses to start with an example,
# placeholder or weak secret, or a public URL that is not https://, then runs kc.sh.
# The rule is the adapter's (portal_adapter/config.py, weak_secret): at least 32 characters,
# at least 12 different ones, none of the words of an example value.
set -euo pipefail

SECRETS=(KC_BOOTSTRAP_ADMIN_PASSWORD KC_DB_PASSWORD PORTAL_CLIENT_SECRET VOIRIE_CLIENT_SECRET
         PORTAL_ADAPTER_CLIENT_SECRET HARIANE_ADAPTER_API_SECRET)
HTTPS_URLS=(KC_HOSTNAME KC_HOSTNAME_ADMIN PORTAL_BASE_URL)
PLACEHOLDER_WORDS=(change example placeholder secret password motdepasse xxxx dev-only-not-a-secret)

# Pure bash: the image (UBI micro) has no guaranteed coreutils beyond the essentials.
weak() {
    local value=$1 lowered word i
    local -A seen=()
    lowered=${value,,}
    lowered=${lowered//_/-}
    (( ${#value} >= 32 )) || return 0
    for (( i = 0; i < ${#value}; i++ )); do seen["x${value:i:1}"]=1; done
    (( ${#seen[@]} >= 12 )) || return 0
    for word in "${PLACEHOLDER_WORDS[@]}"; do
        [[ $lowered == *"$word"* ]] && return 0
    done
    return 1
}

refused=()
for name in "${SECRETS[@]}"; do
    if weak "${!name:-}"; then refused+=("$name"); fi
done
if (( ${#refused[@]} )); then
    echo "Secrets d'exemple ou trop faibles / placeholder or weak secrets: ${refused[*]}." >&2
    echo "Mettez dans chacun au moins 32 caractères aléatoires, p. ex. \`openssl rand -base64 32\`" \
         "/ set each to at least 32 random characters (.env, see .env.example)." >&2
    exit 78
fi
plain=()
for name in "${HTTPS_URLS[@]}"; do
    if [[ ${!name:-} != https://* ]]; then plain+=("$name"); fi
done
if (( ${#plain[@]} )); then
    echo "Ces adresses publiques doivent commencer par https:// / these public URLs must start with https://: ${plain[*]}." >&2
    exit 78
fi
# the JVM options shared with make run and the tests (deploy/keycloak/java-options), then the
# operator's own JAVA_OPTS_APPEND
options=()
while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] || options+=("$line")
done < "${HARIANE_JAVA_OPTIONS:-/opt/keycloak/conf/java-options}"
export JAVA_OPTS_APPEND="${options[*]}${JAVA_OPTS_APPEND:+ $JAVA_OPTS_APPEND}"
exec "${KC_SH:-/opt/keycloak/bin/kc.sh}" "$@"
