<#ftl output_format="HTML">
<#-- To the owner of an address someone gave in « Créer un compte Pro » (docs/registration-oracle.md):
     haStructureName and haSiret come from the SIRENE register, never from what was typed. -->
<html lang="fr">
<body>
<p>Bonjour ${user.firstName!""} ${user.lastName!""},</p>
<p>Quelqu'un, peut-être vous, a voulu créer un compte Hariane PRO pour la structure <strong>${haStructureName}</strong> (SIRET ${haSiret}) avec votre adresse de courriel.</p>
<p>Cette adresse est déjà celle de votre compte Hariane PRO : aucun nouveau compte n'a été créé et votre compte n'a pas été modifié.</p>
<p>Votre identifiant de connexion est : <strong>${user.username}</strong></p>
<#if haDisabled>
<p>Votre compte est actuellement désactivé : adressez-vous à l'administrateur de votre structure ou à l'assistance Hariane PRO.</p>
<#elseif haPendingActivation>
<p>Votre compte n'est pas encore activé.<#if properties.haPortalUrl?has_content> Pour recevoir un nouveau lien d'activation : <a href="${properties.haPortalUrl}/activation/nouveau-lien">Recevoir un nouveau lien d'activation</a></#if></p>
<#else>
<p>Si vous avez oublié votre mot de passe, choisissez-en un nouveau : <a href="${haResetUrl}">Mot de passe oublié</a></p>
</#if>
<p>Un compte Hariane PRO appartient à une seule structure : pour créer le compte de cette structure, recommencez avec une autre adresse de courriel, ou écrivez à l'assistance Hariane PRO (<a href="${properties.haHelpUrl}">${properties.haHelpUrl?remove_beginning("mailto:")}</a>).</p>
<p>Si vous n'êtes pas à l'origine de cette demande, vous n'avez rien à faire.</p>
<p>L'équipe Hariane PRO</p>
</body>
</html>
