package fr.lehavre.hariane.idp.registration;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.activation.ActivationRequiredAction;
import fr.lehavre.hariane.idp.identifier.LoginIdentifier;
import fr.lehavre.hariane.idp.profile.Profile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.organization.OrganizationProvider;

/**
 * Creates, in one transaction, the structure (an organization keyed by its SIRET), its first
 * member (generated identifier, group {@code admin}, activation pending) and sends the
 * activation e-mail before committing — all of it or nothing: a server dying mid-way, or a
 * mail server refusing the message, leaves no structure and no account behind, so the person
 * can simply register again. A concurrent registration taking the same identifier makes the
 * transaction fail on the unique username: it is retried with the next candidate.
 */
public final class AccountCreator {

    private static final Logger LOG = Logger.getLogger(AccountCreator.class);
    private static final int MAX_ATTEMPTS = 50;
    public static final String ORG_ATTR_PREFIX_REGISTER = "register.";

    private AccountCreator() {}

    /** The created user's id and identifier. */
    public record Created(String userId, String username) {}

    /** What must succeed inside the creation's transaction (the activation e-mail). */
    @FunctionalInterface
    public interface BeforeCommit {
        void accept(UserModel user) throws org.keycloak.email.EmailException;
    }

    /** The activation e-mail could not be sent: nothing was created. */
    public static final class ActivationNotSent extends RuntimeException {
        public ActivationNotSent(Throwable cause) {
            super(cause);
        }
    }

    public static Created create(
            KeycloakSession session, RealmModel realm, NewAccount account, BeforeCommit beforeCommit) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String base = LoginIdentifier.base(
                account.person().get(RegistrationForm.FIRST_NAME),
                account.person().get(RegistrationForm.LAST_NAME));
        int attempt = 1;
        for (int tries = 0; tries < MAX_ATTEMPTS; tries++) {
            try {
                final int startAt = attempt;
                return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
                    RealmModel r = s.realms().getRealm(realm.getId());
                    s.getContext().setRealm(r);
                    Created created = createIn(s, r, account, base, startAt);
                    try {
                        beforeCommit.accept(s.users().getUserById(r, created.userId()));
                    } catch (org.keycloak.email.EmailException e) {
                        throw new ActivationNotSent(e);
                    }
                    return created;
                });
            } catch (ModelDuplicateException e) {
                if (structureExists(session, realm, account.siret())) {
                    throw new StructureAlreadyRegistered(account.siret());
                }
                if (emailExists(session, realm, account.email())) {
                    throw new AddressAlreadyUsed();
                }
                LOG.debugf("identifier taken concurrently, retrying after %s", base);
                attempt++;
            } catch (ActivationNotSent | AddressAlreadyUsed e) {
                throw e;
            } catch (RuntimeException e) {
                if (hasCause(e, ActivationNotSent.class)) {
                    throw new ActivationNotSent(e);
                }
                if (hasCause(e, AddressAlreadyUsed.class)) {
                    throw new AddressAlreadyUsed();
                }
                if (hasCause(e, ModelDuplicateException.class)
                        || hasCause(e, jakarta.persistence.PersistenceException.class)) {
                    if (structureExists(session, realm, account.siret())) {
                        throw new StructureAlreadyRegistered(account.siret());
                    }
                    if (emailExists(session, realm, account.email())) {
                        throw new AddressAlreadyUsed();
                    }
                    attempt++;
                    continue;
                }
                throw e;
            }
        }
        throw new IllegalStateException("no free identifier after " + MAX_ATTEMPTS + " attempts for " + base);
    }

    public static boolean structureExists(KeycloakSession session, RealmModel realm, String siret) {
        return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
            s.getContext().setRealm(s.realms().getRealm(realm.getId()));
            return s.getProvider(OrganizationProvider.class).getByAlias(siret) != null;
        });
    }

    /** Whether an account has this address (a registration that committed meanwhile, say). */
    static boolean emailExists(KeycloakSession session, RealmModel realm, String email) {
        return idOfEmail(session, realm, email) != null;
    }

    /**
     * The account with this address, in {@code session}, also when it was committed by another
     * transaction after this session first looked (null when there is none).
     */
    static UserModel accountWithEmail(KeycloakSession session, RealmModel realm, String email) {
        UserModel user = session.users().getUserByEmail(realm, email);
        if (user != null) {
            return user;
        }
        String id = idOfEmail(session, realm, email);
        return id == null ? null : session.users().getUserById(realm, id);
    }

    private static String idOfEmail(KeycloakSession session, RealmModel realm, String email) {
        return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(), s -> {
            RealmModel r = s.realms().getRealm(realm.getId());
            s.getContext().setRealm(r);
            UserModel user = s.users().getUserByEmail(r, email);
            return user == null ? null : user.getId();
        });
    }

    /**
     * The first identifier from {@code pro.first.last}, {@code pro.first.last2}… (from the
     * {@code startAt}th) that no account has: the one a new account gets, and the one shown when
     * the address already has an account (docs/registration-oracle.md).
     */
    static String freeIdentifier(KeycloakSession s, RealmModel realm, String base, int startAt) {
        for (int attempt = startAt; ; attempt++) {
            String candidate = LoginIdentifier.candidate(base, attempt);
            if (s.users().getUserByUsername(realm, candidate) == null) {
                return candidate;
            }
        }
    }

    private static Created createIn(KeycloakSession s, RealmModel realm, NewAccount account, String base, int startAt) {
        OrganizationProvider organizations = s.getProvider(OrganizationProvider.class);
        if (organizations.getByAlias(account.siret()) != null) {
            throw new StructureAlreadyRegistered(account.siret());
        }
        if (s.users().getUserByEmail(realm, account.email()) != null) {
            throw new AddressAlreadyUsed();
        }
        String username = freeIdentifier(s, realm, base, startAt);
        Map<String, String> person = account.person();
        UserModel user = s.users().addUser(realm, username);
        user.setEnabled(true);
        user.setFirstName(person.get(RegistrationForm.FIRST_NAME).strip());
        user.setLastName(person.get(RegistrationForm.LAST_NAME).strip());
        user.setEmail(account.email());
        user.setEmailVerified(false);
        user.setSingleAttribute(
                IdentityNames.ATTR_JOB_TITLE,
                person.get(RegistrationForm.JOB_TITLE).strip());
        user.setSingleAttribute(
                IdentityNames.ATTR_NEWSLETTER_OPT_IN,
                String.valueOf("on".equals(person.get(RegistrationForm.NEWSLETTER))));
        user.setSingleAttribute(IdentityNames.ATTR_STRUCTURE_SIRET, account.siret());
        user.addRequiredAction(ActivationRequiredAction.PROVIDER_ID);
        GroupModel admins = KeycloakModelUtils.findGroupByPath(s, realm, "/" + Profile.ADMIN.claimValue());
        if (admins != null) {
            user.joinGroup(admins);
        }

        String name = account.registerValues().getOrDefault("name", "");
        OrganizationModel organization = organizations.create(organizationName(name, account.siret()), account.siret());
        organization.setDescription("SIRET " + account.siret());
        organization.setAttributes(organizationAttributes(account));
        organizations.addMember(organization, user);
        return new Created(user.getId(), username);
    }

    static String organizationName(String registeredName, String siret) {
        String name = registeredName == null || registeredName.isBlank() ? "Structure" : registeredName.strip();
        return name + " (" + siret + ")";
    }

    /** The structure's attributes: what the user declared, and the register's values where they differ. */
    static Map<String, List<String>> organizationAttributes(NewAccount account) {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        attributes.put("siret", List.of(account.siret()));
        attributes.put("siren", List.of(account.siret().substring(0, 9)));
        put(attributes, "name", account.registerValues().get("name"));
        put(attributes, "legalCategory", account.registerValues().get("legal_category"));
        put(attributes, "source", account.registerValues().get("source"));
        put(attributes, "fetchedAt", account.registerValues().get("fetched_at"));
        attributes.put("createdAt", List.of(Instant.now().toString()));
        for (String field : RegistrationForm.STRUCTURE_FIELDS) {
            String value = account.structure().get(field);
            if (RegistrationForm.isCheckbox(field)) {
                value = String.valueOf("on".equals(value));
            } else if (RegistrationForm.PHONE.equals(field)) {
                value = PhoneNumbers.normalise(value).orElse(value);
            }
            put(attributes, field, value);
            String registered = account.registerValues().get(field);
            if (registered != null && !registered.equals(value == null ? null : value.strip())) {
                put(attributes, ORG_ATTR_PREFIX_REGISTER + field, registered);
            }
        }
        return attributes;
    }

    private static void put(Map<String, List<String>> attributes, String key, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(key, new ArrayList<>(List.of(value.strip())));
        }
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
