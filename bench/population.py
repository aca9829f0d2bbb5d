"""A generated population for the scale benchmark (bench/scale.py) and its test
(tests/test_population.py): N structures as Keycloak organizations, M users spread over them,
C concession links.

Everything is made the way the product makes it, so the paths under measurement do their real
work:

- a structure is an organization keyed by its SIRET (alias), with the attributes the
  registration writes (idp_extension/.../registration/AccountCreator.java), and the
  ``concessions`` attribute the adapter writes on a link (concessions/identity_sync.py);
- a user is an activated account (no required action; the CGU attributes and the verified
  e-mail that « Activer mon compte » sets), in one profile group (the structure's first member is
  its administrator, as the registration makes it), member of one organization, with
  ``structureSiret``;
- the password is a known one, stored as ONE pre-computed hash with the realm's password policy
  terms (argon2 by default) reused for every user: hashing 100,000 passwords would take hours;
- a concession link is two rows of the adapter's database (the account and its link) plus the
  organization attribute.

Sizes: most structures have 1 to 5 members, a few have 200 or more; structure 0 has exactly
:data:`LARGE` members and structure 1 exactly :data:`SMALL` when the users suffice (the portal
pages are measured on those two). Generation is pure and seeded (:func:`generate`); the realm
representation with the users (:func:`realm_representation`) is imported by Keycloak either at
startup (``--import-realm``: :func:`write_realm_file`) or through the admin REST API
(:func:`create_realm`); the organizations and their members follow through the admin REST API
(:func:`create_organizations`), several requests at a time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa
from portal_adapter.concessions.legacy_rows import label_key
from portal_adapter.db import concession_accounts, concession_links
from stdnum import luhn

from devstack import paths

LARGE = 300  # members of structure 0 (« Gestion des utilisateurs » on a big structure)
SMALL = 5  # members of structure 1
BIG_SIZES = (200, 400)  # the few big structures take what the small ones leave
SMALL_WEIGHTS = {1: 30, 2: 25, 3: 20, 4: 15, 5: 10}  # most structures: 1 to 5 members
PRIVILEGED_EVERY = 10  # one member in ten (after the administrator) is privileged
# The generated SIRETs: SIREN 999xxxxx + key, establishment 0002 onwards. The fake register
# knows every SIREN starting with 999 (devstack/fake_sirene.synthetic), so « Créer un compte
# Pro » reaches the « structure already registered » check; tests' synthetic_siret() uses
# establishment 0001 of the same SIRENs, so a new SIRET is never a generated one.
SIRET_PREFIX, SIRET_FIRST_NIC = "999", 2
CGU_FOLDER = paths.ROOT / "idp_extension/src/main/resources/theme/hariane/login/resources/cgu"
FIRST_NAMES = ("Camille", "Dominique", "Claude", "Alix", "Sacha", "Morgan", "Louise", "Hugo", "Jeanne", "Malik")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau")
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")  # the realm file's environment placeholders


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    email: str
    profile: str  # standard | privileged | admin
    structure: int


@dataclass(frozen=True)
class Link:
    public_id: str
    label: str
    structure: int


@dataclass(frozen=True)
class Structure:
    siret: str
    name: str
    members: tuple[int, ...]  # indexes into Population.people; the first is the administrator
    links: tuple[int, ...] = ()  # indexes into Population.links


@dataclass
class Population:
    structures: list[Structure]
    people: list[Person]
    links: list[Link] = field(default_factory=list)

    def standard_users(self) -> list[str]:
        """Usernames of standard users (a password login without a second factor)."""
        return [p.username for p in self.people if p.profile == "standard"]

    def concession_values(self, structure: Structure) -> list[str]:
        """The organization's ``concessions`` attribute (concessions/identity_sync.attribute_values)."""
        return sorted(f"{self.links[n].public_id}|{self.links[n].label}" for n in structure.links)


# -- pure generation ----------------------------------------------------------------------------


def generated_siret(n: int) -> str:
    """The ``n``-th generated SIRET (valid: Luhn keys on the SIREN and the SIRET)."""
    siren8 = f"{SIRET_PREFIX}{n % 100_000:05d}"
    siren = siren8 + luhn.calc_check_digit(siren8)
    base = siren + f"{SIRET_FIRST_NIC + n // 100_000:04d}"
    return base + luhn.calc_check_digit(base)


def structure_sizes(structures: int, users: int, rng: random.Random) -> list[int]:
    """Members per structure, summing to ``users``: [LARGE, SMALL, then mostly 1-5, a few big]."""
    if structures < 2 or users < structures + SMALL:
        raise ValueError(f"{users} users cannot fill {structures} structures with one of {SMALL}")
    rest = structures - 2
    smalls = rng.choices(list(SMALL_WEIGHTS), weights=list(SMALL_WEIGHTS.values()), k=rest)
    while sum(smalls) > users - SMALL - 1:  # too few users: smaller small ones
        smalls[smalls.index(max(smalls))] -= 1
    large = min(LARGE, users - SMALL - sum(smalls))
    left = users - SMALL - large - sum(smalls)
    big = []
    while left >= BIG_SIZES[0] and len(big) < rest:
        size = min(left, rng.randint(*BIG_SIZES))
        big.append(size)
        left -= size
    # the remainder (< BIG_SIZES[0]) goes to the last big structure, or to the large one when none
    if big:
        big[-1] += left
    else:
        large += left
    sizes = [large, SMALL, *smalls]
    for k, size in enumerate(big):  # a few small structures grow big, spread over the list
        sizes[2 + (k * rest) // len(big)] += size
    return sizes


def generate(structures: int, users: int, links: int = 0, seed: int = 20) -> Population:
    """The population: structure 0 has LARGE members (when users allow), structure 1 SMALL."""
    rng = random.Random(seed)
    sizes = structure_sizes(structures, users, rng)
    sirets = [generated_siret(s) for s in range(structures)]
    people: list[Person] = []
    members: list[list[int]] = []
    for s, size in enumerate(sizes):
        mine = []
        for k in range(size):
            n = len(people)
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]
            profile = "admin" if k == 0 else "privileged" if k % PRIVILEGED_EVERY == 0 else "standard"
            people.append(
                Person(
                    username=f"pro.{first.lower()}.{last.lower()}{n}",
                    first_name=first,
                    last_name=f"{last}{n}",
                    email=f"{first.lower()}.{last.lower()}{n}@s{s}.exemple-reseaux.test",
                    profile=profile,
                    structure=s,
                )
            )
            mine.append(n)
        members.append(mine)
    # links: on SMALL's structure first (the dashboard shows one), then every k-th structure
    linked = [1] + [s for s in range(2, structures)][:: max(1, (structures - 2) // max(1, links - 1))]
    link_list = [
        Link(f"ECR-G{n:06d}", f"GEN {n:06d} - RESEAU {('NORD', 'SUD')[n % 2]}", linked[n % len(linked)])
        for n in range(links)
    ]
    per_structure: dict[int, list[int]] = {}
    for n, link in enumerate(link_list):
        per_structure.setdefault(link.structure, []).append(n)
    return Population(
        [
            Structure(sirets[s], f"STRUCTURE GENEREE {s:06d}", tuple(members[s]), tuple(per_structure.get(s, ())))
            for s in range(structures)
        ],
        people,
        link_list,
    )


# -- the password hash ------------------------------------------------------------------------


def policy_terms(policy: str) -> dict[str, str]:
    """``hashAlgorithm(x) and hashIterations(5)`` -> {"hashAlgorithm": "x", "hashIterations": "5"}."""
    return dict(re.findall(r"(\w+)\(([^)]*)\)", policy or ""))


def password_credential(password: str, policy: str, salt: bytes) -> dict:
    """A credential representation as Keycloak stores it (``secretData``/``credentialData``),
    hashed with the policy's algorithm (Keycloak 26's default argon2 when it names none) and
    iterations; import it as is for any number of users."""
    terms = policy_terms(policy)
    algorithm = terms.get("hashAlgorithm", "argon2")
    if algorithm == "argon2":
        from argon2.low_level import Type, hash_secret_raw

        # Keycloak's Argon2PasswordHashProviderFactory defaults: id, v1.3, 7 MiB, 1 lane, 32 bytes
        iterations = int(terms.get("hashIterations", 5))
        value = hash_secret_raw(
            password.encode(), salt, time_cost=iterations, memory_cost=7168, parallelism=1, hash_len=32, type=Type.ID
        )
        extra = {"hashLength": ["32"], "memory": ["7168"], "type": ["id"], "version": ["1.3"], "parallelism": ["1"]}
    elif algorithm.startswith("pbkdf2"):
        digest = {"pbkdf2": "sha1", "pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512"}[algorithm]
        iterations = int(terms.get("hashIterations", 210_000 if digest == "sha512" else 600_000))
        value = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, 64 if digest == "sha512" else 32)
        extra = {}
    else:
        raise ValueError(f"no pre-computed hash for the password policy's algorithm {algorithm!r}")
    return {
        "type": "password",
        "userLabel": None,
        "createdDate": int(time.time() * 1000),
        "secretData": json.dumps(
            {
                "value": base64.b64encode(value).decode(),
                "salt": base64.b64encode(salt).decode(),
                "additionalParameters": {},
            }
        ),
        "credentialData": json.dumps(
            {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": extra}
        ),
    }


# -- the realm representation -------------------------------------------------------------------


def cgu_attributes(accepted_at: str) -> dict[str, list[str]]:
    """What « Activer mon compte » writes (activation/ActivationRequiredAction.java, Cgu.java)."""
    text = max(CGU_FOLDER.glob("cgu-*.html"))
    version = text.stem.removeprefix("cgu-")
    return {
        "cguVersion": [version],
        "cguTextSha256": [hashlib.sha256(text.read_bytes()).hexdigest()],
        "cguAcceptedAt": [accepted_at],
    }


def user_id(username: str) -> str:
    """The user's id, fixed by the generator (the import keeps it) so organizations can name members."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hariane-bench:{username}"))


def _user(person: Person, siret: str, credential: dict, cgu: dict[str, list[str]]) -> dict:
    return {
        "id": user_id(person.username),
        "username": person.username,
        "firstName": person.first_name,
        "lastName": person.last_name,
        "email": person.email,
        "emailVerified": True,
        "enabled": True,
        "attributes": {"jobTitle": ["Responsable des travaux"], "newsletterOptIn": ["false"], "structureSiret": [siret]}
        | cgu,
        "credentials": [credential],
        "requiredActions": [],
        "groups": [f"/{person.profile}"],
    }


def _organization(population: Population, structure: Structure, created_at: str) -> dict:
    attributes = {
        "siret": [structure.siret],
        "siren": [structure.siret[:9]],
        "name": [structure.name],
        "legalCategory": ["5710"],
        "source": ["bench"],
        "createdAt": [created_at],
        "structureType": ["societe_commerciale"],
        "phone": ["+33235194545"],
        "structureEmail": [f"contact@{structure.siret}.exemple-reseaux.test"],
        "country": ["FRANCE"],
        "postalCode": ["76600"],
        "city": ["LE HAVRE"],
        "recipient": [structure.name],
        "streetNumber": ["12"],
        "street": ["QUAI DE SOUTHAMPTON"],
        "structureNewsletter": ["false"],
    }
    if structure.links:
        attributes["concessions"] = population.concession_values(structure)
    return {
        "name": f"{structure.name} ({structure.siret})",
        "alias": structure.siret,
        "enabled": True,
        "description": f"SIRET {structure.siret}",
        "attributes": attributes,
        "members": [
            {"username": population.people[n].username, "membershipType": "UNMANAGED"} for n in structure.members
        ],
    }


def substitute(text: str, env: dict[str, str]) -> str:
    """The realm file's ``${NAME}`` placeholders replaced as Keycloak's startup import does."""
    return PLACEHOLDER.sub(lambda m: env[m.group(1)] if m.group(1) in env else m.group(0), text)


def realm_representation(
    population: Population,
    credential: dict,
    *,
    base: dict | None = None,
    realm: str | None = None,
    env: dict[str, str] | None = None,
    organizations: bool = False,
) -> dict:
    """Our realm (realm-config/hariane-pro-realm.json unless ``base``) with the population:
    ``realm`` renames it, ``env`` fills its placeholders (an import through the admin REST API
    does not; the startup import does it itself). The organizations are left to
    :func:`create_organizations` unless ``organizations``: Keycloak 26.7 imports a realm's
    organizations in one transaction whose every member lookup flushes every entity held so
    far, so that import grows with the square of the population (2,000 organizations: over
    10 minutes); created one request each, they take a time in proportion."""
    source = json.dumps(base) if base is not None else paths.REALM_FILE.read_text(encoding="utf-8")
    representation = json.loads(substitute(source, env) if env else source)
    if realm:
        representation["realm"] = realm
        representation.pop("id", None)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    cgu = cgu_attributes(now)
    people = population.people
    representation["users"] = list(representation.get("users") or []) + [
        _user(p, population.structures[p.structure].siret, credential, cgu) for p in people
    ]
    if organizations:
        representation["organizations"] = list(representation.get("organizations") or []) + [
            _organization(population, s, now) for s in population.structures
        ]
    return representation


def realm_credential(password: str, representation: dict | None = None, salt: bytes | None = None) -> dict:
    """The shared credential for our realm's password policy."""
    realm = representation or json.loads(paths.REALM_FILE.read_text(encoding="utf-8"))
    return password_credential(password, realm.get("passwordPolicy", ""), salt or b"hariane-bench-16")


# -- writing ------------------------------------------------------------------------------------


def write_realm_file(path: Path, representation: dict) -> Path:
    """For ``--import-realm`` (Keycloak fills the placeholders itself at startup)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        json.dump(representation, out, ensure_ascii=False, separators=(",", ":"))
    return path


def create_realm(server_url: str, token: str, representation: dict, timeout: float = 1800) -> None:
    """POST /admin/realms: a new realm with its users and organizations, in one request."""
    response = requests.post(
        f"{server_url}/admin/realms",
        data=json.dumps(representation, separators=(",", ":")).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=timeout,
    )
    if response.status_code != 201:
        raise RuntimeError(f"realm import refused: {response.status_code} {response.text[:500]}")


class AdminToken:
    """A master-realm admin token, fetched again before it expires (60 s by default)."""

    def __init__(self, server_url: str, password: str, username: str = "admin") -> None:
        self.server_url, self.password, self.username = server_url, password, username
        self._token, self._until, self._lock = "", 0.0, threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if time.monotonic() >= self._until:
                answer = requests.post(
                    f"{self.server_url}/realms/master/protocol/openid-connect/token",
                    data={
                        "grant_type": "password",
                        "client_id": "admin-cli",
                        "username": self.username,
                        "password": self.password,
                    },
                    timeout=60,
                )
                answer.raise_for_status()
                body = answer.json()
                self._token, self._until = body["access_token"], time.monotonic() + body["expires_in"] / 2
            return self._token


def create_organizations(
    server_url: str, token: AdminToken, realm: str, population: Population, workers: int = 4
) -> dict[str, str]:
    """The structures as organizations through the admin REST API (one POST each, then one per
    member, as the registration and « Ajouter un utilisateur » add them), ``workers`` at a time;
    returns {siret: organization id}."""
    base = f"{server_url}/admin/realms/{realm}/organizations"
    created_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    local = threading.local()

    def post(url: str, body) -> requests.Response:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        answer = session.post(url, json=body, headers={"Authorization": f"Bearer {token()}"}, timeout=120)
        if answer.status_code != 201:
            raise RuntimeError(f"POST {url}: {answer.status_code} {answer.text[:300]}")
        return answer

    def one(structure: Structure) -> tuple[str, str]:
        representation = _organization(population, structure, created_at)
        representation.pop("members")
        organization_id = post(base, representation).headers["Location"].rsplit("/", 1)[1]
        for n in structure.members:
            post(f"{base}/{organization_id}/members", user_id(population.people[n].username))
        return structure.siret, organization_id

    with ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(one, population.structures))


def write_links(engine, population: Population, structures: Sequence[int] | None = None) -> int:
    """The concession links in the adapter's database (accounts + links), as a link leaves them;
    the organizations already carry the matching attribute. Returns the rows written."""
    now = time.time()
    chosen = set(range(len(population.structures)) if structures is None else structures)
    links = [link for link in population.links if link.structure in chosen]
    with engine.begin() as connection:
        for link in links:
            structure = population.structures[link.structure]
            account_id = connection.execute(
                sa.insert(concession_accounts).values(
                    key=label_key(link.label),
                    public_id=link.public_id,
                    label=link.label,
                    code_digest="0" * 64,  # no code: these accounts are linked already
                    company_name=structure.name,
                    siret=structure.siret,
                    imported_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key[0]
            connection.execute(
                sa.insert(concession_links).values(
                    account_id=account_id,
                    siret=structure.siret,
                    linked_at=now,
                    linked_by=population.people[structure.members[0]].username,
                )
            )
    return len(links)
