<#ftl output_format="HTML">
<#-- Worded for the structure's founder (haFounder), a colleague added by an administrator
     (haColleague: structure, administrator, profile) or neutrally (a new link asked for later). -->
<html lang="fr">
<body>
<p>Bonjour ${user.firstName!""} ${user.lastName!""},</p>
<#if haColleague??>
<p>${haColleague.administrator}, administrateur de la structure <strong>${haColleague.structure}</strong>, vous a créé un compte sur Hariane PRO avec le profil utilisateur <strong>${haColleague.profile}</strong>.</p>
</#if>
<p>Votre identifiant vous permettant de vous connecter à votre compte professionnel est le suivant : <strong>${user.username}</strong></p>
<#if haFounder??>
<p>Veuillez cliquer sur le lien suivant pour valider la création du compte de votre structure et votre profil administrateur, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :</p>
<#else>
<p>Veuillez cliquer sur le lien suivant pour activer votre compte, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :</p>
</#if>
<p><a href="${link}">Activer mon compte</a></p>
<p>Ce lien est valable ${linkExpirationFormatter(linkExpiration)}. Passé ce délai, vous pourrez demander un nouveau lien.</p>
<p>Le profil utilisateur <strong>standard</strong> permet d'effectuer des démarches, d'accéder à la messagerie, aux documents en ligne et au suivi des demandes.<br>
Le profil utilisateur <strong>privilégié</strong> permet d'accéder aux mêmes fonctions que l'utilisateur standard mais aussi aux démarches sécurisées (factures et paiement de celles-ci).<br>
Le profil utilisateur <strong>administrateur</strong> permet d'accéder à toutes les fonctions ci-dessus mais aussi à la gestion des comptes utilisateurs.</p>
<p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.</p>
<p>L'équipe Hariane PRO</p>
</body>
</html>
