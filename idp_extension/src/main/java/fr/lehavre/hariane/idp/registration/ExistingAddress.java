package fr.lehavre.hariane.idp.registration;

import fr.lehavre.hariane.idp.activation.ActivationRequiredAction;
import fr.lehavre.hariane.idp.identifier.LoginIdentifier;
import java.util.HashMap;
import java.util.Map;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;

/**
 * « Créer un compte Pro » with an address that already has an account (docs/registration-oracle.md):
 * nothing is created, the person sees the page a new address gets — with the identifier a new
 * account with these names would get now, never the existing one — and the address's owner is
 * told by e-mail what happened, with their identifier and how to get back in.
 */
final class ExistingAddress {

    static final String TEMPLATE = "hariane-registration-attempt.ftl";
    static final String SUBJECT = "haRegistrationAttemptSubject";

    private ExistingAddress() {}

    /** What the recap page shows: the identifier a new account with these names would get. */
    static String identifierShown(KeycloakSession session, RealmModel realm, Map<String, String> person) {
        String base =
                LoginIdentifier.base(person.get(RegistrationForm.FIRST_NAME), person.get(RegistrationForm.LAST_NAME));
        return AccountCreator.freeIdentifier(session, realm, base, 1);
    }

    /** The owner's e-mail: which structure, their identifier, « Mot de passe oublié », nothing to do. */
    static void tellOwner(
            KeycloakSession session, RealmModel realm, UserModel owner, NewAccount account, String clientId)
            throws EmailException {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("haStructureName", account.registerValues().getOrDefault("name", ""));
        attributes.put("haSiret", account.siret());
        attributes.put(
                "haResetUrl",
                Urls.loginResetCredentialsBuilder(session.getContext().getUri().getBaseUri())
                        .queryParam("client_id", clientId)
                        .build(realm.getName())
                        .toString());
        attributes.put(
                "haPendingActivation",
                owner.getRequiredActionsStream().anyMatch(ActivationRequiredAction.PROVIDER_ID::equals));
        attributes.put("haDisabled", !owner.isEnabled());
        session.getProvider(EmailTemplateProvider.class)
                .setRealm(realm)
                .setUser(owner)
                .send(SUBJECT, TEMPLATE, attributes);
    }
}
