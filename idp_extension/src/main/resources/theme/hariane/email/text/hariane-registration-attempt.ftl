<#ftl output_format="plainText">
<#-- Worded as html/hariane-registration-attempt.ftl. -->
Bonjour ${user.firstName!""} ${user.lastName!""},

Quelqu'un, peut-être vous, a voulu créer un compte Hariane PRO pour la structure ${haStructureName} (SIRET ${haSiret}) avec votre adresse de courriel.

Cette adresse est déjà celle de votre compte Hariane PRO : aucun nouveau compte n'a été créé et votre compte n'a pas été modifié.

Votre identifiant de connexion est : ${user.username}

<#if haDisabled>
Votre compte est actuellement désactivé : adressez-vous à l'administrateur de votre structure ou à l'assistance Hariane PRO.
<#elseif haPendingActivation>
Votre compte n'est pas encore activé.<#if properties.haPortalUrl?has_content> Pour recevoir un nouveau lien d'activation (« Recevoir un nouveau lien d'activation ») : ${properties.haPortalUrl}/activation/nouveau-lien</#if>
<#else>
Si vous avez oublié votre mot de passe, choisissez-en un nouveau (« Mot de passe oublié ») : ${haResetUrl}
</#if>

Un compte Hariane PRO appartient à une seule structure : pour créer le compte de cette structure, recommencez avec une autre adresse de courriel, ou écrivez à l'assistance Hariane PRO (${properties.haHelpUrl?remove_beginning("mailto:")}).

Si vous n'êtes pas à l'origine de cette demande, vous n'avez rien à faire.

L'équipe Hariane PRO
