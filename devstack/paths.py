"""Where things live in a checkout."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"  # git-ignored: downloads, builds, run data
KEYCLOAK_DIST_PARENT = LOCAL / "keycloak"  # the pristine unpacked distribution
RUN_DIR = LOCAL / "run"  # make run: persistent data, generated secrets, logs
VENV = ROOT / ".venv"
EXTENSION_DIR = ROOT / "idp_extension"
EXTENSION_JAR = EXTENSION_DIR / "target" / "hariane-idp-extension.jar"
EXTENSION_POM = EXTENSION_DIR / "pom.xml"
CONTRACT_DIR = ROOT / "contract"  # names, rules and test vectors the Java and Python sides share
REALM_DIR = ROOT / "realm-config"
REALM_FILE = REALM_DIR / "hariane-pro-realm.json"
PASSWORD_BLACKLISTS = REALM_DIR / "password-blacklists"
KEYCLOAK_CONF = ROOT / "deploy" / "keycloak" / "keycloak.conf"  # server options shared with the image
NODE_TOOLS = ROOT / "tools" / "node"
MAILDEV_BIN = NODE_TOOLS / "node_modules" / ".bin" / "maildev"
AXE_JS = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
COMPOSECHECK_BIN = LOCAL / "bin" / "composecheck"
COMPOSE_FILE = ROOT / "docker-compose.yml"
