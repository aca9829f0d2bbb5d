"""What the adapter's own tables hold on one person (docs/personal-data-export.md,
docs/account-deletion.md): read for « Télécharger mes données », erased or made anonymous for
« Supprimer mon compte ». A person is found by their Keycloak id (``sub``), by the label the
audit trails show (« pro.prenom.nom (Prénom Nom) », which starts with their identifier) and by
their e-mail address. Never read here: a session key, a realm session id, a concession's code
digest, a join request's link digest, a kept step-up form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from portal_adapter.db import (
    agent_actions,
    concession_accounts,
    concession_links,
    email_sends,
    link_attempts,
    login_sessions,
    second_factor_resets,
    step_up_pending,
)
from portal_adapter.join_requests.model import join_request_events, join_requests

DELETED_ID = "compte-supprime"  # what replaces a deleted person's id in the audit trails
DELETED_LABEL = "compte supprimé"  # what replaces their « pro.prenom.nom (Prénom Nom) »


@dataclass(frozen=True)
class Person:
    sub: str
    username: str
    email: str


def iso(epoch: float | None) -> str | None:
    """An instant as the export writes it: ISO 8601, UTC."""
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _labelled(column: sa.Column, person: Person) -> sa.ColumnElement[bool]:
    return sa.or_(column == person.username, column.startswith(f"{person.username} (", autoescape=True))


def _rows(connection: sa.Connection, query) -> list[dict]:
    return [dict(row._mapping) for row in connection.execute(query)]


def _dated(rows: list[dict], *fields: str) -> list[dict]:
    return [{key: iso(value) if key in fields else value for key, value in row.items()} for row in rows]


def records(engine: sa.Engine, person: Person) -> dict[str, list[dict]]:
    """The adapter's records about ``person``, by kind, oldest first (the export's ``journal``)."""
    with engine.connect() as connection:
        attempts = _rows(
            connection,
            sa.select(
                link_attempts.c.at.label("date"),
                link_attempts.c.siret,
                link_attempts.c.label.label("intitule_saisi"),
                link_attempts.c.result.label("resultat"),
                link_attempts.c.detail.label("detail"),
                link_attempts.c.ip.label("adresse_ip"),
            )
            .where(link_attempts.c.user_id == person.sub)
            .order_by(link_attempts.c.at),
        )
        links = _rows(
            connection,
            sa.select(
                concession_accounts.c.public_id.label("identifiant"),
                concession_accounts.c.label.label("intitule"),
                concession_links.c.siret,
                concession_links.c.linked_at.label("rattache_le"),
            )
            .join(concession_accounts, concession_accounts.c.id == concession_links.c.account_id)
            .where(concession_links.c.linked_by == person.sub)
            .order_by(concession_links.c.linked_at),
        )
        resets = _rows(
            connection,
            sa.select(
                second_factor_resets.c.at.label("date"),
                second_factor_resets.c.siret,
                second_factor_resets.c.member.label("utilisateur"),
                second_factor_resets.c.actor.label("par"),
                second_factor_resets.c.removed.label("moyens_retires"),
            )
            .where(
                sa.or_(second_factor_resets.c.member_id == person.sub, second_factor_resets.c.actor_id == person.sub)
            )
            .order_by(second_factor_resets.c.at),
        )
        agent = _rows(
            connection,
            sa.select(
                agent_actions.c.at.label("date"),
                agent_actions.c.action,
                agent_actions.c.target.label("objet"),
                agent_actions.c.reason.label("motif"),
                agent_actions.c.detail,
            )
            .where(agent_actions.c.agent_id == person.sub)
            .order_by(agent_actions.c.at),
        )
        requests = _rows(
            connection,
            sa.select(
                join_requests.c.id,
                join_requests.c.siret,
                join_requests.c.first_name.label("prenom"),
                join_requests.c.last_name.label("nom"),
                join_requests.c.email.label("courriel"),
                join_requests.c.job_title.label("fonction"),
                join_requests.c.message,
                join_requests.c.state.label("etat"),
                join_requests.c.created_at.label("deposee_le"),
                join_requests.c.decided_at.label("decidee_le"),
                join_requests.c.decided_by.label("decidee_par"),
                join_requests.c.ip.label("adresse_ip"),
            )
            .where(_own_requests(person))
            .order_by(join_requests.c.created_at),
        )
        events = _rows(
            connection,
            sa.select(
                join_request_events.c.request_id.label("demande"),
                join_request_events.c.at.label("date"),
                join_request_events.c.actor.label("par"),
                join_request_events.c.action,
                join_request_events.c.detail,
            )
            .where(
                sa.or_(
                    join_request_events.c.request_id.in_(sa.select(join_requests.c.id).where(_own_requests(person))),
                    _labelled(join_request_events.c.actor, person),
                )
            )
            .order_by(join_request_events.c.at),
        )
        mails = _rows(
            connection,
            sa.select(
                email_sends.c.at.label("date"),
                email_sends.c.action.label("courriel"),
                email_sends.c.detail,
                email_sends.c.result.label("resultat"),
            )
            .where(email_sends.c.address == person.email.lower())
            .order_by(email_sends.c.at),
        )
        sessions = _rows(
            connection,
            sa.select(
                login_sessions.c.created_at.label("ouverte_le"),
                login_sessions.c.acr.label("niveau"),
                login_sessions.c.auth_time.label("authentifie_le"),
            )
            .where(login_sessions.c.sub == person.sub)
            .order_by(login_sessions.c.created_at),
        )
    return {
        "connexions_au_portail": _dated(sessions, "ouverte_le", "authentifie_le"),
        "essais_de_rattachement": _dated(attempts, "date"),
        "rattachements_faits": _dated(links, "rattache_le"),
        "reinitialisations_du_second_facteur": _dated(resets, "date"),
        "actions_d_agent": _dated(agent, "date"),
        "demandes_de_rattachement": _dated(requests, "deposee_le", "decidee_le"),
        "evenements_des_demandes": _dated(events, "date"),
        "courriels_envoyes": _dated(mails, "date"),
    }


def structure_attempts(engine: sa.Engine, siret: str) -> list[dict]:
    """The structure's concession link attempts, for its administrators (without the address
    of whoever typed them: that is each person's own)."""
    with engine.connect() as connection:
        rows = _rows(
            connection,
            sa.select(
                link_attempts.c.at.label("date"),
                link_attempts.c.actor.label("par"),
                link_attempts.c.label.label("intitule_saisi"),
                link_attempts.c.result.label("resultat"),
                link_attempts.c.detail,
            )
            .where(link_attempts.c.siret == siret)
            .order_by(link_attempts.c.at),
        )
    return _dated(rows, "date")


def _own_requests(person: Person) -> sa.ColumnElement[bool]:
    return sa.or_(join_requests.c.email == person.email.lower(), join_requests.c.username == person.username)


def erase(engine: sa.Engine, person: Person) -> None:
    """Once the account is deleted: what identifies ``person`` in the adapter is erased (their
    portal sessions, kept forms, join requests, e-mail counters) or replaced by « compte
    supprimé » in the audit trails the metropolis keeps (link attempts, links, factor resets,
    agents' actions, join request events)."""
    anonymous = {"actor": DELETED_LABEL}
    with engine.begin() as connection:
        connection.execute(sa.delete(login_sessions).where(login_sessions.c.sub == person.sub))
        connection.execute(sa.delete(step_up_pending).where(step_up_pending.c.sub == person.sub))
        connection.execute(
            sa.update(link_attempts)
            .where(link_attempts.c.user_id == person.sub)
            .values(user_id=DELETED_ID, **anonymous)
        )
        connection.execute(
            sa.update(concession_links).where(concession_links.c.linked_by == person.sub).values(linked_by=DELETED_ID)
        )
        connection.execute(
            sa.update(second_factor_resets)
            .where(second_factor_resets.c.member_id == person.sub)
            .values(member_id=DELETED_ID, member=DELETED_LABEL)
        )
        connection.execute(
            sa.update(second_factor_resets)
            .where(second_factor_resets.c.actor_id == person.sub)
            .values(actor_id=DELETED_ID, **anonymous)
        )
        connection.execute(
            sa.update(agent_actions)
            .where(agent_actions.c.agent_id == person.sub)
            .values(agent_id=DELETED_ID, agent=DELETED_LABEL)
        )
        own = sa.select(join_requests.c.id).where(_own_requests(person))
        connection.execute(sa.delete(join_request_events).where(join_request_events.c.request_id.in_(own)))
        connection.execute(sa.delete(join_requests).where(_own_requests(person)))
        connection.execute(
            sa.update(join_request_events).where(_labelled(join_request_events.c.actor, person)).values(**anonymous)
        )
        connection.execute(
            sa.update(join_requests)
            .where(_labelled(join_requests.c.decided_by, person))
            .values(decided_by=DELETED_LABEL)
        )
        connection.execute(sa.delete(email_sends).where(email_sends.c.address == person.email.lower()))
