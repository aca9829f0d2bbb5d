"""The French e-mails of the join requests (subject, body): pure text, the service sends them.
None tells the requester who the administrators are; the refusal is worded neutrally."""

from __future__ import annotations

SIGNATURE = "\nHariane PRO – Le Havre Seine Métropole\n"


def confirm_address(first: str, structure: str, link: str) -> tuple[str, str]:
    return (
        "Hariane PRO : confirmez votre demande pour rejoindre une structure",
        f"Bonjour {first},\n\n"
        f"Vous avez demandé à rejoindre la structure « {structure} » sur Hariane PRO.\n"
        "Pour que votre demande soit transmise, confirmez votre adresse de courriel en ouvrant ce lien "
        "(valable 24 heures) :\n\n"
        f"{link}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : elle ne sera pas transmise.\n"
        + SIGNATURE,
    )


def to_administrators(structure: str, request: dict, page: str) -> tuple[str, str]:
    message = f"\nSon message :\n{request['message']}\n" if request["message"] else ""
    return (
        "Hariane PRO : une personne demande à rejoindre votre structure",
        "Bonjour,\n\n"
        f"{request['first_name']} {request['last_name']} ({request['email']}), {request['job_title']}, "
        f"demande à rejoindre votre structure « {structure} » sur Hariane PRO.\n{message}\n"
        "En tant qu'administrateur de la structure, vous pouvez accepter cette demande en choisissant un profil "
        "(un compte sera créé et un courriel d'activation envoyé) ou la refuser, depuis « Gestion des "
        f"utilisateurs », rubrique « Demandes en attente » :\n\n{page}\n\n"
        "Sans réponse de votre structure, la demande sera transmise aux agents de la Métropole.\n" + SIGNATURE,
    )


def refused(first: str, structure: str, reason: str) -> tuple[str, str]:
    said = f"\nMotif indiqué : {reason}\n" if reason else ""
    return (
        "Hariane PRO : réponse à votre demande pour rejoindre une structure",
        f"Bonjour {first},\n\n"
        f"Votre demande pour rejoindre la structure « {structure} » sur Hariane PRO n'a pas été acceptée.\n{said}\n"
        "Si vous pensez qu'il s'agit d'une erreur, rapprochez-vous de votre structure.\n" + SIGNATURE,
    )


def to_agents(requests: list[dict], page: str) -> tuple[str, str]:
    lines = "\n".join(f"- {r['first_name']} {r['last_name']} pour la structure SIRET {r['siret']}" for r in requests)
    count = len(requests)
    plural = "s" if count > 1 else ""
    return (
        f"[Hariane PRO] {count} demande{plural} pour rejoindre une structure transmise{plural} à la Métropole",
        "Bonjour,\n\n"
        f"{count} demande{plural} pour rejoindre une structure attend{'ent' if count > 1 else ''} "
        "une décision de la Métropole (structure sans administrateur actif, ou sans réponse de ses "
        f"administrateurs) :\n{lines}\n\nPour les traiter : {page}\n" + SIGNATURE,
    )


def accepted_with_proconnect(first: str, structure: str, portal: str) -> tuple[str, str]:
    return (
        "Hariane PRO : votre demande pour rejoindre une structure est acceptée",
        f"Bonjour {first},\n\n"
        f"Votre demande pour rejoindre la structure « {structure} » sur Hariane PRO a été acceptée : "
        "votre compte est créé et relié à votre identité ProConnect.\n"
        "Connectez-vous avec le bouton « S'identifier avec ProConnect » :\n\n"
        f"{portal}/connexion\n" + SIGNATURE,
    )
