"""The security e-mails (docs/security-emails.md): for each kind, its French subject, what
happened and what to do if it was not you. One family of templates renders them all
(``templates/notices/notice.txt`` and ``notice.html``). No e-mail carries a link with a token,
a code or a secret: only the facts, the time, and the way out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

SUBJECT_PREFIX = "Hariane PRO : "
# What a person does when they did not make a change to their own account.
NOT_YOU_ACCOUNT = (
    "Si vous n'êtes pas à l'origine de cette modification, choisissez sans attendre un nouveau mot de passe "
    "avec « Mot de passe oublié » sur la page de connexion, puis contactez l'assistance Hariane PRO."
)
# What a member does when an administrator changed their account and they do not understand why.
NOT_EXPECTED_MEMBER = (
    "Si cette modification vous surprend, contactez un administrateur de votre structure ou l'assistance Hariane PRO."
)
# What an administrator does when a change of the structure was not made by its administrators.
NOT_EXPECTED_ADMIN = (
    "Si aucun administrateur de votre structure n'est à l'origine de ce changement, vérifiez les utilisateurs "
    "de votre structure dans « Gestion des utilisateurs », changez votre mot de passe avec « Mot de passe "
    "oublié » et contactez l'assistance Hariane PRO."
)
# What a person does to keep an account the inactive-account lifecycle will disable.
KEEP_ACCOUNT = (
    "Pour garder votre compte, il suffit de vous connecter à Hariane PRO avant cette date. Si vous n'en avez "
    "plus besoin, vous n'avez rien à faire. Pour toute question, contactez l'assistance Hariane PRO."
)
NOT_EXPECTED_INACTIVE = (
    "Si vous avez encore besoin de ce compte, demandez à un administrateur de votre structure ou à l'assistance "
    "Hariane PRO de le réactiver."
)
NOT_EXPECTED_CONCESSION = (
    "Si aucun administrateur de votre structure n'est à l'origine de ce changement, contactez sans attendre "
    "le service Voirie de la Métropole et l'assistance Hariane PRO."
)


@dataclass(frozen=True)
class Kind:
    subject: str  # after « Hariane PRO : »
    happened: str  # a sentence with {placeholders} from the facts
    advice: str
    audience: str  # "member" (the account's owner) | "administrators" | "members" (the structure's active ones)


KINDS: dict[str, Kind] = {
    "password_changed": Kind(
        "votre mot de passe a été modifié",
        "Le mot de passe de votre compte Hariane PRO {username} a été modifié le {when}.",
        NOT_YOU_ACCOUNT,
        "member",
    ),
    "factor_added": Kind(
        "un moyen de double authentification a été ajouté à votre compte",
        "Un moyen de double authentification ({factor}) a été ajouté à votre compte Hariane PRO {username} le {when}.",
        NOT_YOU_ACCOUNT,
        "member",
    ),
    "factor_removed": Kind(
        "un moyen de double authentification a été supprimé de votre compte",
        "Un moyen de double authentification ({factor}) a été supprimé de votre compte Hariane PRO {username} "
        "le {when}.",
        NOT_YOU_ACCOUNT,
        "member",
    ),
    "factor_reset": Kind(
        "votre second facteur a été réinitialisé",
        "Le {when}, {actor}, administrateur de votre structure « {structure} », a réinitialisé le second facteur "
        "de votre compte Hariane PRO {username} : votre application d'authentification, vos clés d'accès et vos "
        "codes de récupération ne permettent plus de vous connecter, et vos connexions en cours ont été fermées. "
        "À votre prochaine connexion, après votre identifiant et votre mot de passe, Hariane PRO vous demandera "
        "d'enregistrer un nouveau second facteur.",
        NOT_EXPECTED_MEMBER,
        "member",
    ),
    "factor_reset_by_you": Kind(
        "vous avez réinitialisé le second facteur d'un utilisateur",
        "Le {when}, vous avez réinitialisé le second facteur du compte {member} de votre structure « {structure} ». "
        "Ses connexions en cours ont été fermées ; à sa prochaine connexion, Hariane PRO lui demandera "
        "d'enregistrer un nouveau second facteur. Un courriel l'en a informé(e).",
        NOT_YOU_ACCOUNT,
        "member",
    ),
    "email_changed": Kind(
        "l'adresse de courriel de votre compte a été modifiée",
        "L'adresse de courriel de votre compte Hariane PRO {username} a été modifiée le {when} : "
        "{previous_email} a été remplacée par {new_email}. Ce message est envoyé aux deux adresses.",
        NOT_YOU_ACCOUNT,
        "member",
    ),
    "profile_changed": Kind(
        "votre profil a été modifié",
        "Le {when}, {actor}, administrateur de votre structure « {structure} », a modifié le profil de votre "
        "compte Hariane PRO {username} : {previous_profile} → {new_profile}. "
        "Le nouveau profil s'applique à votre prochaine connexion.",
        NOT_EXPECTED_MEMBER,
        "member",
    ),
    "account_disabled": Kind(
        "votre compte a été désactivé",
        "Le {when}, {actor}, administrateur de votre structure « {structure} », a désactivé votre compte "
        "Hariane PRO {username}. Vous ne pouvez plus vous connecter à Hariane PRO ni aux applications des démarches.",
        NOT_EXPECTED_MEMBER,
        "member",
    ),
    "account_enabled": Kind(
        "votre compte a été réactivé",
        "Le {when}, {actor}, administrateur de votre structure « {structure} », a réactivé votre compte "
        "Hariane PRO {username}. Vous pouvez de nouveau vous connecter.",
        NOT_EXPECTED_MEMBER,
        "member",
    ),
    "account_deleted": Kind(
        "votre compte a été supprimé",
        "Le {when}, votre compte Hariane PRO {username} a été supprimé à votre demande (« Supprimer mon compte »), "
        "après confirmation de votre identité. Vous ne pouvez plus vous connecter avec cet identifiant ; les "
        "données personnelles que Hariane PRO conservait sur vous ont été effacées.",
        "Si vous n'êtes pas à l'origine de cette suppression, contactez sans attendre l'assistance Hariane PRO : "
        "quelqu'un a pu utiliser votre mot de passe.",
        "member",
    ),
    "member_deleted": Kind(
        "un utilisateur a supprimé son compte",
        "Le {when}, {member} a supprimé son compte Hariane PRO (« Supprimer mon compte ») : cette personne ne fait "
        "plus partie de votre structure « {structure} » et ne peut plus se connecter.",
        NOT_EXPECTED_ADMIN,
        "administrators",
    ),
    "admin_added": Kind(
        "un administrateur a été ajouté à votre structure",
        "Le {when}, {actor} a fait de {member} un administrateur de votre structure « {structure} » sur Hariane PRO.",
        NOT_EXPECTED_ADMIN,
        "administrators",
    ),
    "admin_removed": Kind(
        "un administrateur a été retiré de votre structure",
        "Le {when}, {actor} a retiré à {member} son rôle d'administrateur de votre structure « {structure} » "
        "sur Hariane PRO.",
        NOT_EXPECTED_ADMIN,
        "administrators",
    ),
    "concession_linked": Kind(
        "un compte de concession voirie a été rattaché à votre structure",
        "Le {when}, {actor} a rattaché le compte de concession voirie « {concession} » à votre structure "
        "« {structure} » sur Hariane PRO.",
        NOT_EXPECTED_CONCESSION,
        "administrators",
    ),
    "concession_detached": Kind(
        "un compte de concession voirie a été détaché de votre structure",
        "Le {when}, {actor} a détaché le compte de concession voirie « {concession} » de votre structure "
        "« {structure} » sur Hariane PRO.",
        NOT_EXPECTED_CONCESSION,
        "administrators",
    ),
    # The inactive-account lifecycle (docs/account-lifecycle.md): sent by the job, never throttled.
    "inactive_warning": Kind(
        "votre compte sera désactivé dans {days_left} jours",
        "Le {when}, votre compte Hariane PRO {username} n'avait pas servi depuis le {last_login}. Sans connexion de "
        "votre part, il sera désactivé dans {days_left} jours, le {disable_on}, puis supprimé le {delete_on}.",
        KEEP_ACCOUNT,
        "member",
    ),
    "inactive_warning_last_admin": Kind(
        "votre compte sera désactivé dans {days_left} jours : vous êtes le dernier administrateur de votre structure",
        "Le {when}, votre compte Hariane PRO {username} n'avait pas servi depuis le {last_login}. Sans connexion de "
        "votre part, il sera désactivé dans {days_left} jours, le {disable_on}, puis supprimé le {delete_on}. "
        "Vous êtes le dernier administrateur de votre structure « {structure} » : une fois votre compte désactivé, "
        "plus personne ne pourra y gérer les utilisateurs ni les comptes de concession. Si vous quittez la "
        "structure ou n'utilisez plus Hariane PRO, nommez d'abord un autre administrateur dans « Gestion des "
        "utilisateurs » (profil « Administrateur »).",
        KEEP_ACCOUNT,
        "member",
    ),
    "inactive_disabled": Kind(
        "votre compte a été désactivé faute de connexion",
        "Le {when}, votre compte Hariane PRO {username} a été désactivé : il n'avait pas servi depuis le "
        "{last_login}. Vous ne pouvez plus vous connecter ; sans réactivation, il sera supprimé le {delete_on}.",
        NOT_EXPECTED_INACTIVE,
        "member",
    ),
    "structure_without_admin": Kind(
        "votre structure n'a plus d'administrateur",
        "Le {when}, le compte Hariane PRO de {member}, dernier administrateur de votre structure « {structure} », "
        "a été désactivé faute de connexion. Votre structure n'a plus d'administrateur : personne ne peut y "
        "ajouter d'utilisateur, changer un profil ni rattacher un compte de concession. Les demandes pour "
        "rejoindre votre structure sont désormais transmises aux agents de la Métropole.",
        "Pour qu'un membre de votre structure en devienne administrateur, contactez l'assistance Hariane PRO : "
        "un agent de la Métropole le nommera après avoir vérifié qu'il agit pour la structure. Si l'ancien "
        "administrateur est toujours parmi vous, l'assistance peut aussi réactiver son compte.",
        "members",
    ),
}
FACTOR_LABELS = {
    "otp": "application d'authentification",
    "totp": "application d'authentification",
    "webauthn": "clé de sécurité",
    "webauthn-passwordless": "clé d'accès (passkey)",
    "recovery-authn-codes": "codes de récupération",
}
_TEMPLATES = Environment(
    loader=PackageLoader("portal_adapter", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def paris_time(epoch: float) -> str:
    """An instant as the metropolis's users read it."""
    return datetime.fromtimestamp(epoch, ZoneInfo("Europe/Paris")).strftime("%d/%m/%Y à %H:%M (heure de Paris)")


def render(kind: str, facts: dict[str, str], *, at: float, help_url: str, portal_url: str) -> Rendered:
    """The e-mail of ``kind``; ``facts`` fill its sentence (missing ones read « — »)."""
    spec = KINDS[kind]
    values = {key: value for key, value in facts.items() if value} | {"when": paris_time(at)}
    happened = spec.happened.format_map(_Missing(values))
    context = {"happened": happened, "advice": spec.advice, "help_url": help_url, "portal_url": portal_url}
    return Rendered(
        SUBJECT_PREFIX + spec.subject.format_map(_Missing(values)),
        _TEMPLATES.get_template("notices/notice.txt").render(context),
        _TEMPLATES.get_template("notices/notice.html").render(context),
    )


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "—"
