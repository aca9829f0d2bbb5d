<#ftl output_format="plainText">
Bonjour ${user.firstName!""} ${user.lastName!""},

Votre compte Hariane PRO a été créé. Votre identifiant de connexion est : ${user.username}

Pour valider la création du compte de votre structure et votre profil administrateur, ouvrez le lien ci-dessous, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :

${link}

Ce lien est valable ${linkExpirationFormatter(linkExpiration)}. Passé ce délai, vous pourrez demander un nouveau lien.

Dans Hariane PRO, chaque utilisateur d'une structure a l'un des trois profils suivants :
- standard : démarches, messagerie, documents en ligne, suivi des demandes ;
- privilégié : les mêmes possibilités, plus les démarches sécurisées (factures et leur paiement) ;
- administrateur : toutes les possibilités ci-dessus, plus la gestion des comptes utilisateurs de la structure.

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.

Le Havre Seine Métropole – Hariane PRO
