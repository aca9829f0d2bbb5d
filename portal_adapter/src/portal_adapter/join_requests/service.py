"""The use cases of the join requests (docs/join-requests.md): file, confirm, list, accept,
refuse, escalate and expire. Every decision is a conditional UPDATE on the request's state
(``WHERE state IN ('pending', 'escalated')``): of two people deciding at once exactly one
changes the row, and only that one creates the account; the other is told
« Cette demande a déjà été traitée ». Accounts are created by the members' own use case
(:meth:`StructureUsers.add_colleague`: generated identifier, activation e-mail, CGU at
activation), never here."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakError

from portal_adapter import mailer
from portal_adapter.config import Settings
from portal_adapter.identity.names import ATTR_CGU_ACCEPTED_AT, ATTR_CGU_TEXT_SHA256, ATTR_CGU_VERSION, PROFILES
from portal_adapter.join_requests import letters
from portal_adapter.join_requests.model import join_request_events, join_requests
from portal_adapter.join_requests.rules import LIVE, OPEN, Limits, State, Timing, due_state, over_limit, token_digest
from portal_adapter.join_requests.rules import new_token as _new_token
from portal_adapter.members.service import FederatedIdentity, Member, Refused, Structure, StructureUsers

log = logging.getLogger(__name__)
ALREADY_HANDLED = "Cette demande a déjà été traitée."
REQUESTER = "demandeur"
DEFAULT_LIMITS = Limits()
CLOCK = "tâche d'escalade"


IDENTITY_COLUMNS = ("idp_user_id", "idp_username", "cgu_version", "cgu_sha256", "cgu_accepted_at")
PROCONNECT = "proconnect"


def federated_identity(request: dict) -> FederatedIdentity | None:
    """The ProConnect identity of a request filed through ProConnect (None for the others): the
    account made at acceptance is linked to it, and carries the CGU acceptance of the join page."""
    if not request.get("idp_user_id"):
        return None
    cgu = {
        ATTR_CGU_VERSION: request.get("cgu_version"),
        ATTR_CGU_TEXT_SHA256: request.get("cgu_sha256"),
        ATTR_CGU_ACCEPTED_AT: request.get("cgu_accepted_at"),
    }
    return FederatedIdentity(
        PROCONNECT,
        request["idp_user_id"],
        request.get("idp_username") or request["idp_user_id"],
        {name: value for name, value in cgu.items() if value},
    )


class AlreadyHandled(Refused):
    status = 409


class UnknownRequest(Refused):
    status = 404


@dataclass(frozen=True)
class Decision:
    profile: str
    actor: str  # « pro.prenom.nom (Prénom Nom) »


def timing_of(settings: Settings) -> Timing:
    return Timing(
        escalation=settings.join_requests_escalation_days * 86400.0,
        expiry=settings.join_requests_expiry_days * 86400.0,
    )


class JoinRequests:
    def __init__(
        self,
        engine: sa.Engine,
        settings: Settings,
        users: StructureUsers,
        *,
        limits: Limits = DEFAULT_LIMITS,
        now: Callable[[], float] = time.time,
        wait_for_mail: bool = False,
    ) -> None:
        """``wait_for_mail``: send before returning (the command line, which exits right after)."""
        self.engine = engine
        self.settings = settings
        self.users = users
        self.admin: KeycloakAdmin = users.admin
        self.limits = limits
        self.timing = timing_of(settings)
        self.now = now
        self.wait_for_mail = wait_for_mail

    # -- the requester ------------------------------------------------------------------
    def structure(self, siret: str) -> Structure | None:
        """The registered structure of this SIRET (a Keycloak organization keyed by it)."""
        found = next((o for o in self.admin.get_organizations({"search": siret}) if o.get("alias") == siret), None)
        if found is None:
            return None
        organization = self.admin.get_organization(found["id"])
        name = ((organization.get("attributes") or {}).get("name") or [organization["name"]])[0]
        return Structure(organization["id"], siret, name)

    def file(self, siret: str, first: str, last: str, email: str, job_title: str, message: str, ip: str) -> bool:
        """File a request (form already valid); the requester is sent the confirmation link.
        False, and nothing sent, when the structure is unknown, a live request of this address
        for it exists, or a limit is reached: the page says the same in every case."""
        email = email.strip().lower()
        token, digest = _new_token()
        with self.engine.begin() as connection:
            filed = self._insert(connection, siret, first, last, email, job_title, message, ip, token_digest=digest)
            if not isinstance(filed, tuple):
                return False
            request_id, structure = filed
        subject, body = letters.confirm_address(
            first.strip(), structure.name, f"{self.settings.base_url}/rejoindre/confirmation/{token}"
        )
        mailer.send(self.settings, [email], subject, body)
        log.info("join request %s filed for %s", request_id, siret)
        return True

    def file_verified(
        self, siret: str, first: str, last: str, email: str, job_title: str, ip: str, identity: dict | None = None
    ) -> str | None:
        """File a request for an address the identity federation (ProConnect) verified: no
        confirmation link, it goes to the structure's administrators (or the agents) at once.
        ``identity``: the person's ProConnect identity and CGU acceptance (the columns
        ``idp_user_id``, ``idp_username``, ``cgu_*``), kept for the account made at acceptance.
        Returns the request's state, or that of the live request this address already has for
        the structure; None when nothing was filed (unknown structure, a limit reached)."""
        email = email.strip().lower()
        with self.engine.begin() as connection:
            filed = self._insert(
                connection, siret, first, last, email, job_title, "", ip, token_digest=None, identity=identity
            )
            if isinstance(filed, str) or filed is None:
                return filed
            request_id, _structure = filed
            self._audit(connection, request_id, REQUESTER, "confirmed", "adresse vérifiée par ProConnect")
        row = self.get(request_id)
        try:
            self._route(row)
        except KeycloakError as error:  # the request counts; its administrators see it on their page
            log.error("join request %s filed, but its structure could not be read: %s", request_id, error)
        log.info("join request %s filed for %s (address verified by ProConnect)", request_id, siret)
        return self.get(request_id)["state"]

    def _insert(
        self,
        connection: sa.Connection,
        siret: str,
        first: str,
        last: str,
        email: str,
        job_title: str,
        message: str,
        ip: str,
        *,
        token_digest: str | None,
        identity: dict | None = None,
    ) -> tuple[int, Structure] | str | None:
        """Insert a request (unconfirmed with a link's digest, pending without): (its id, the
        structure); the state of this address's live request for the structure when there is one;
        None when the structure is unknown or a limit is reached."""
        now = self.now()
        live = connection.execute(
            sa.select(join_requests.c.state).where(
                join_requests.c.email == email,
                join_requests.c.siret == siret,
                join_requests.c.state.in_(list(LIVE)),
            )
        ).first()
        if live:
            log.info("join request to %s: this address already has a live one", siret)
            return live.state
        since = now - self.limits.window
        counts = {
            name: connection.execute(
                sa.select(sa.func.count()).where(column == value, join_requests.c.created_at >= since)
            ).scalar_one()
            for name, column, value in (
                ("by_address", join_requests.c.email, email),
                ("by_structure", join_requests.c.siret, siret),
                ("by_client", join_requests.c.ip, ip),
            )
        }
        if over_limit(self.limits, **counts):
            log.warning("join request to %s refused by a limit (%s)", siret, counts)
            return None
        structure = self.structure(siret)  # Keycloak is asked once the limits allow it
        if structure is None:
            log.info("join request for unregistered SIRET %s ignored", siret)
            return None
        verified = token_digest is None
        request_id = connection.execute(
            join_requests.insert().values(
                siret=siret,
                first_name=first.strip(),
                last_name=last.strip(),
                email=email,
                job_title=job_title.strip(),
                message=message.strip(),
                ip=ip,
                state=(State.PENDING if verified else State.UNCONFIRMED).value,
                token_digest=token_digest,
                created_at=now,
                confirmed_at=now if verified else None,
                **{name: (identity or {}).get(name) or None for name in IDENTITY_COLUMNS},
            )
        ).inserted_primary_key[0]
        self._audit(connection, request_id, REQUESTER, "filed", f"SIRET {siret}")
        return request_id, structure

    def confirmable(self, token: str) -> bool:
        """Whether the link confirms a request now (the page shows its button)."""
        with self.engine.connect() as connection:
            return self._unconfirmed(connection, token) is not None

    def _unconfirmed(self, connection: sa.Connection, token: str) -> sa.Row | None:
        return connection.execute(
            sa.select(join_requests).where(
                join_requests.c.token_digest == token_digest(token),
                join_requests.c.state == State.UNCONFIRMED.value,
                join_requests.c.created_at > self.now() - self.timing.confirmation,
            )
        ).first()

    def confirm(self, token: str) -> bool:
        """The requester's address is confirmed: the request counts, and goes to the structure's
        active administrators, or to the metropolis's agents when it has none. The link works once."""
        with self.engine.begin() as connection:
            row = self._unconfirmed(connection, token)
            if row is None:
                return False
            changed = connection.execute(
                join_requests.update()
                .where(join_requests.c.id == row.id, join_requests.c.state == State.UNCONFIRMED.value)
                .values(state=State.PENDING.value, token_digest=None, confirmed_at=self.now())
            ).rowcount
            if not changed:
                return False
            self._audit(connection, row.id, REQUESTER, "confirmed", None)
        try:
            self._route(row._asdict())
        except KeycloakError as error:  # the request counts; its administrators see it on their page
            log.error("join request %s confirmed, but its structure could not be read: %s", row.id, error)
        return True

    def _route(self, row: dict) -> None:
        """Tell the structure's active administrators, or hand the request to the agents."""
        structure = self.structure(row["siret"])
        administrators = self._active_administrators(structure) if structure else []
        if not administrators:
            self._escalate([row["id"]], "aucun administrateur actif")
            return
        subject, body = letters.to_administrators(
            structure.name, row, f"{self.settings.base_url}/structure/utilisateurs#demandes"
        )
        mailer.send(self.settings, [m.email for m in administrators if m.email], subject, body)

    def _active_administrators(self, structure: Structure) -> list[Member]:
        return [m for m in self.users.members(structure) if m.profile == "admin" and m.state == "active"]

    # -- reading ------------------------------------------------------------------------
    def open_requests(self, siret: str | None = None, states: tuple[State, ...] = OPEN) -> list[dict]:
        """The requests awaiting a decision: of one structure (its administrators), or all
        escalated ones (``siret`` None, the agents); oldest first."""
        query = sa.select(join_requests).where(join_requests.c.state.in_([s.value for s in states]))
        if siret is not None:
            query = query.where(join_requests.c.siret == siret)
        with self.engine.connect() as connection:
            return [row._asdict() for row in connection.execute(query.order_by(join_requests.c.id))]

    def get(self, request_id: int) -> dict:
        with self.engine.connect() as connection:
            row = connection.execute(sa.select(join_requests).where(join_requests.c.id == request_id)).first()
        if row is None:
            raise UnknownRequest("Cette demande n'existe pas.")
        return row._asdict()

    def events(self, request_id: int) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(join_request_events)
                .where(join_request_events.c.request_id == request_id)
                .order_by(join_request_events.c.id)
            )
            return [row._asdict() for row in rows]

    # -- decisions ----------------------------------------------------------------------
    def accept(self, structure: Structure, request_id: int, decision: Decision, *, detail: str = "") -> str:
        """Create the requester's account in ``structure`` with the chosen profile, as « Ajouter
        un utilisateur » does; returns its identifier. ``structure.administrator_id``: the
        administrator deciding (their name in the activation e-mail); empty for an agent."""
        if decision.profile not in PROFILES:
            raise Refused("Choisissez un profil.")
        request = self._decide(structure.siret, request_id, State.ACCEPTED, decision.actor, profile=decision.profile)
        federated = federated_identity(request)
        try:
            username = self.users.add_colleague(
                structure,
                request["first_name"],
                request["last_name"],
                request["email"],
                request["job_title"],
                decision.profile,
                added_by=decision.actor.partition(" (")[2].rstrip(")") or decision.actor,
                federated=federated,
            )
        except Exception:
            self._undo(request_id, request["state"])  # the request waits again, nothing was created
            raise
        with self.engine.begin() as connection:
            connection.execute(join_requests.update().where(join_requests.c.id == request_id).values(username=username))
            self._audit(
                connection,
                request_id,
                decision.actor,
                "accepted",
                f"profil {decision.profile}, compte {username}" + (f" ; {detail}" if detail else ""),
            )
        if federated is not None:  # no activation e-mail: they are told to sign in with ProConnect
            subject, body = letters.accepted_with_proconnect(
                request["first_name"], structure.name, self.settings.base_url
            )
            mailer.send(self.settings, [request["email"]], subject, body)
        log.info("join request %s accepted by %s: account %s", request_id, decision.actor, username)
        return username

    def refuse(self, siret: str, request_id: int, actor: str, reason: str, structure_name: str) -> None:
        """Refuse; the requester gets a neutral e-mail (with the reason when one is given)."""
        request = self._decide(siret, request_id, State.REFUSED, actor, reason=reason.strip() or None)
        with self.engine.begin() as connection:
            self._audit(connection, request_id, actor, "refused", reason.strip() or None)
        subject, body = letters.refused(request["first_name"], structure_name, reason.strip())
        mailer.send(self.settings, [request["email"]], subject, body)
        log.info("join request %s refused by %s", request_id, actor)

    def _decide(self, siret: str, request_id: int, state: State, actor: str, **values) -> dict:
        """Move an open request of this structure to ``state``: exactly one caller succeeds."""
        request = self.get(request_id)
        if request["siret"] != siret:
            raise UnknownRequest("Cette demande n'existe pas.")
        with self.engine.begin() as connection:
            changed = connection.execute(
                join_requests.update()
                .where(
                    join_requests.c.id == request_id,
                    join_requests.c.state.in_([s.value for s in OPEN]),
                )
                .values(state=state.value, decided_at=self.now(), decided_by=actor, **values)
            ).rowcount
        if not changed:
            raise AlreadyHandled(ALREADY_HANDLED)
        return request

    def _undo(self, request_id: int, previous: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                join_requests.update()
                .where(join_requests.c.id == request_id, join_requests.c.state == State.ACCEPTED.value)
                .values(state=previous, decided_at=None, decided_by=None, profile=None)
            )

    # -- the metropolis's agents --------------------------------------------------------
    def structure_state(self, siret: str) -> tuple[Structure | None, list[Member]]:
        """The structure of a request and its active administrators, for the agent's decision."""
        structure = self.structure(siret)
        return structure, (self._active_administrators(structure) if structure else [])

    def accept_as_agent(self, request_id: int, decision: Decision, motive: str) -> str:
        """An agent accepts an escalated or pending request. Making the requester an
        administrator of a structure that still has active ones (a contested structure) needs
        a motive, kept in the audit trail."""
        request = self.get(request_id)
        structure, administrators = self.structure_state(request["siret"])
        if structure is None:
            raise Refused("Cette structure n'a plus de compte Hariane PRO.")
        if decision.profile == "admin" and administrators and not motive.strip():
            raise Refused(
                "Cette structure a déjà un administrateur actif : indiquez le motif pour lequel le demandeur "
                "en devient administrateur (structure contestée)."
            )
        detail = f"agent de la Métropole ; motif : {motive.strip()}" if motive.strip() else "agent de la Métropole"
        return self.accept(structure, request_id, decision, detail=detail)

    # -- the clock (portal-adapter join-requests escalate) ------------------------------
    def run_clock(self) -> dict[str, int]:
        """Expire and escalate what is due; escalate the pending requests of structures left
        without an active administrator. Returns the counts, by new state."""
        now = self.now()
        moved = {State.EXPIRED.value: 0, State.ESCALATED.value: 0}
        with self.engine.connect() as connection:
            rows = connection.execute(
                sa.select(join_requests).where(join_requests.c.state.in_([s.value for s in LIVE]))
            ).all()
        unanswered: list[int] = []
        orphaned: list[int] = []
        orphans: dict[str, bool] = {}
        for row in rows:
            due = due_state(
                State(row.state), created_at=row.created_at, confirmed_at=row.confirmed_at, now=now, timing=self.timing
            )
            if due is State.PENDING:
                if row.siret not in orphans:
                    structure = self.structure(row.siret)
                    orphans[row.siret] = structure is None or not self._active_administrators(structure)
                if orphans[row.siret]:
                    orphaned.append(row.id)
            elif due is State.ESCALATED:
                unanswered.append(row.id)
            elif due is State.EXPIRED:
                with self.engine.begin() as connection:
                    if connection.execute(
                        join_requests.update()
                        .where(join_requests.c.id == row.id, join_requests.c.state == row.state)
                        .values(state=State.EXPIRED.value, token_digest=None, decided_at=now)
                    ).rowcount:
                        self._audit(connection, row.id, CLOCK, "expired", None)
                        moved[State.EXPIRED.value] += 1
        moved[State.ESCALATED.value] = self._escalate(unanswered, "sans réponse des administrateurs") + self._escalate(
            orphaned, "aucun administrateur actif"
        )
        return moved

    def _escalate(self, request_ids: list[int], why: str) -> int:
        """Hand pending requests to the metropolis's agents (one e-mail for the lot)."""
        escalated = []
        for request_id in request_ids:
            with self.engine.begin() as connection:
                if connection.execute(
                    join_requests.update()
                    .where(join_requests.c.id == request_id, join_requests.c.state == State.PENDING.value)
                    .values(state=State.ESCALATED.value, escalated_at=self.now())
                ).rowcount:
                    self._audit(connection, request_id, CLOCK, "escalated", why)
                    escalated.append(self.get(request_id))
        if escalated:
            subject, body = letters.to_agents(escalated, f"{self.settings.base_url}/agents/demandes")
            if not self.settings.join_requests_agents_email:
                log.warning("JOIN_REQUESTS_AGENTS_EMAIL unset: %d escalated join requests not e-mailed", len(escalated))
            mailer.send(
                self.settings, [self.settings.join_requests_agents_email], subject, body, wait=self.wait_for_mail
            )
        return len(escalated)

    def _audit(self, connection: sa.Connection, request_id: int, actor: str, action: str, detail: str | None) -> None:
        connection.execute(
            join_request_events.insert().values(
                request_id=request_id, at=self.now(), actor=actor, action=action, detail=detail
            )
        )
