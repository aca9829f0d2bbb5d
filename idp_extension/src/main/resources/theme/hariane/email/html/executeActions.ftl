<#ftl output_format="HTML">
<html lang="fr">
<body style="font-family: Arial, sans-serif; color: #1e1e1e;">
<p>Bonjour ${user.firstName!""} ${user.lastName!""},</p>
<p>Votre compte Hariane PRO a été créé. Votre identifiant de connexion est : <strong>${user.username}</strong></p>
<p>Pour valider la création du compte de votre structure et votre profil administrateur, cliquez sur le lien
ci-dessous, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :</p>
<p><a href="${link}">Activer mon compte</a></p>
<p>Ce lien est valable ${linkExpirationFormatter(linkExpiration)}. Passé ce délai, vous pourrez demander un nouveau lien.</p>
<p>Dans Hariane PRO, chaque utilisateur d'une structure a l'un des trois profils suivants :</p>
<ul>
  <li><strong>standard</strong> : démarches, messagerie, documents en ligne, suivi des demandes ;</li>
  <li><strong>privilégié</strong> : les mêmes possibilités, plus les démarches sécurisées (factures et leur paiement) ;</li>
  <li><strong>administrateur</strong> : toutes les possibilités ci-dessus, plus la gestion des comptes utilisateurs de la structure.</li>
</ul>
<p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.</p>
<p>Le Havre Seine Métropole – Hariane PRO</p>
</body>
</html>
