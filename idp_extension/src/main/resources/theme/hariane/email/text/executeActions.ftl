<#ftl output_format="plainText">
<#-- Worded as html/executeActions.ftl: founder (haFounder), colleague (haColleague) or neutral. -->
Bonjour ${user.firstName!""} ${user.lastName!""},
<#if haColleague??>

${haColleague.administrator}, administrateur de la structure ${haColleague.structure}, vous a créé un compte sur Hariane PRO avec le profil utilisateur ${haColleague.profile}.
</#if>

Votre identifiant vous permettant de vous connecter à votre compte professionnel est le suivant : ${user.username}

<#if haFounder??>
Veuillez cliquer sur le lien suivant pour valider la création du compte de votre structure et votre profil administrateur, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :
<#else>
Veuillez cliquer sur le lien suivant pour activer votre compte, puis choisissez votre mot de passe et acceptez les Conditions Générales d'Utilisation :
</#if>

${link}

Ce lien est valable ${linkExpirationFormatter(linkExpiration)}. Passé ce délai, vous pourrez demander un nouveau lien.

Le profil utilisateur standard permet d'effectuer des démarches, d'accéder à la messagerie, aux documents en ligne et au suivi des demandes.
Le profil utilisateur privilégié permet d'accéder aux mêmes fonctions que l'utilisateur standard mais aussi aux démarches sécurisées (factures et paiement de celles-ci).
Le profil utilisateur administrateur permet d'accéder à toutes les fonctions ci-dessus mais aussi à la gestion des comptes utilisateurs.

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.

L'équipe Hariane PRO
