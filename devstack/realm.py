"""The realm file: read it, and embed realm-config/user-profile.json into it.

``python3 -m devstack.realm`` re-embeds the user profile after you edit it (Keycloak
wants it as a JSON string inside the realm's components).
"""

from __future__ import annotations

import json
import sys

from devstack import paths

USER_PROFILE_COMPONENT = "org.keycloak.userprofile.UserProfileProvider"


def load_realm() -> dict:
    return json.loads(paths.REALM_FILE.read_text())


def _component(realm: dict) -> dict:
    return realm["components"][USER_PROFILE_COMPONENT][0]


def embedded_user_profile(realm: dict) -> dict:
    return json.loads(_component(realm)["config"]["kc.user.profile.config"][0])


def embed_user_profile() -> None:
    realm = load_realm()
    profile = json.loads((paths.REALM_DIR / "user-profile.json").read_text())
    _component(realm)["config"]["kc.user.profile.config"] = [
        json.dumps(profile, ensure_ascii=False, separators=(",", ":"))
    ]
    paths.REALM_FILE.write_text(json.dumps(realm, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    embed_user_profile()
    sys.exit(0)
