package fr.lehavre.hariane.idp.registration;

import fr.lehavre.hariane.idp.activation.ActivationEmail;
import fr.lehavre.hariane.idp.adapter.AdapterClient;
import fr.lehavre.hariane.idp.adapter.StructureAnswer;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * « Créer un compte Pro »: the three steps (SIRET, structure 2/3, person 3/3) and the recap,
 * as one authenticator of the realm's registration flow. Everything typed is kept in the
 * authentication session, so « ← Retour » and « Page suivante → » lose nothing. The recap page
 * ends the flow without logging in: the person activates the account from the e-mail.
 */
public class ProRegistrationAuthenticator implements Authenticator {

    private static final Logger LOG = Logger.getLogger(ProRegistrationAuthenticator.class);

    protected static final String NOTE_STEP = "hariane.step";
    protected static final String NOTE_VALUE = "hariane.v.";
    protected static final String NOTE_REGISTER = "hariane.r.";
    static final String NAV = "nav";
    static final String NAV_BACK = "back";

    /** The steps, each with its page. */
    public enum Step {
        SIRET("hariane-register-siret.ftl"),
        STRUCTURE("hariane-register-structure.ftl"),
        PERSON("hariane-register-person.ftl");

        final String template;

        Step(String template) {
            this.template = template;
        }
    }

    /** Register fields prefilling the structure step (form field to record field). */
    private static final Map<String, String> PREFILL = Map.of(
            RegistrationForm.ACRONYM, "acronym",
            RegistrationForm.COUNTRY, "address.country",
            RegistrationForm.POSTAL_CODE, "address.postal_code",
            RegistrationForm.CITY, "address.city",
            RegistrationForm.RECIPIENT, "address.recipient",
            RegistrationForm.BUILDING, "address.building",
            RegistrationForm.STREET_NUMBER, "address.street_number",
            RegistrationForm.STREET_NUMBER_SUFFIX, "address.street_number_suffix",
            RegistrationForm.STREET, "address.street",
            RegistrationForm.PO_BOX, "address.po_box_or_locality");

    /** Every value kept in the session: the typed fields, and what the register said. */
    private static final List<String> VALUE_KEYS = java.util.stream.Stream.of(
                    List.of(RegistrationForm.SIRET), RegistrationForm.STRUCTURE_FIELDS, RegistrationForm.PERSON_FIELDS)
            .flatMap(List::stream)
            .toList();

    private static final List<String> REGISTER_KEYS = java.util.stream.Stream.concat(
                    java.util.stream.Stream.of(
                            "siret",
                            "name",
                            "legal_category",
                            "source",
                            "fetched_at",
                            "public",
                            RegistrationForm.STRUCTURE_TYPE),
                    PREFILL.keySet().stream())
            .toList();

    private static final Map<String, String> SIRET_ERRORS = Map.of(
            "invalid_format",
            "haErrorSiretFormat",
            "invalid_checksum",
            "haErrorSiretChecksum",
            "not_found",
            "haErrorSiretNotFound",
            "closed",
            "haErrorSiretClosed",
            "rate_limited",
            "haErrorSiretUnavailable",
            StructureAnswer.UNAVAILABLE,
            "haErrorSiretUnavailable");

    private final AdapterClient adapter;

    protected ProRegistrationAuthenticator(AdapterClient adapter) {
        this.adapter = adapter;
    }

    /** What a SIRET lookup gave: the SIRET (kept with its record in the session), or an error. */
    public record Lookup(String siret, String errorKey, boolean structureExists) {
        public boolean found() {
            return errorKey == null && !structureExists;
        }
    }

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        context.challenge(render(context, step(context), List.of()));
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        MultivaluedMap<String, String> data = context.getHttpRequest().getDecodedFormParameters();
        boolean back = NAV_BACK.equals(data.getFirst(NAV));
        switch (step(context)) {
            case SIRET -> siretStep(context, data);
            case STRUCTURE -> {
                keep(context, data, RegistrationForm.STRUCTURE_FIELDS);
                if (back) {
                    go(context, hasSiretStep() ? Step.SIRET : Step.STRUCTURE, List.of());
                    return;
                }
                Map<String, String> errors =
                        RegistrationForm.validateStructure(values(context, RegistrationForm.STRUCTURE_FIELDS));
                go(context, errors.isEmpty() ? Step.PERSON : Step.STRUCTURE, messages(errors));
            }
            case PERSON -> {
                keep(context, data, RegistrationForm.PERSON_FIELDS);
                if (back) {
                    go(context, Step.STRUCTURE, List.of());
                    return;
                }
                personStep(context);
            }
        }
    }

    private void siretStep(AuthenticationFlowContext context, MultivaluedMap<String, String> data) {
        String typed = Objects.requireNonNullElse(data.getFirst(RegistrationForm.SIRET), "")
                .strip();
        Lookup lookup = lookUp(context, typed);
        if (lookup.errorKey() != null) {
            go(context, Step.SIRET, List.of(new FormMessage(RegistrationForm.SIRET, lookup.errorKey())));
        } else if (lookup.structureExists()) {
            structureExists(context, lookup.siret());
        } else {
            go(context, Step.STRUCTURE, List.of());
        }
    }

    /**
     * The SIRET step's checks and lookup (its form, then the register through the adapter, then
     * whether the structure has an account); a SIRET found and free has its register's record kept
     * in the session, prefilling the structure step.
     */
    protected Lookup lookUp(AuthenticationFlowContext context, String typed) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        auth.setAuthNote(NOTE_VALUE + RegistrationForm.SIRET, typed);
        Optional<String> formError = SiretForm.error(typed);
        if (formError.isPresent()) { // the adapter is asked only about what can be a SIRET
            return new Lookup(null, formError.get(), false);
        }
        StructureAnswer answer = adapter.structure(SiretForm.normalise(typed));
        if (!answer.isFound()) {
            return new Lookup(null, SIRET_ERRORS.getOrDefault(answer.errorCode(), "haErrorSiretUnavailable"), false);
        }
        String siret = answer.text("siret");
        if (AccountCreator.structureExists(context.getSession(), context.getRealm(), siret)) {
            return new Lookup(siret, null, true);
        }
        if (!siret.equals(auth.getAuthNote(NOTE_REGISTER + "siret"))) {
            auth.setAuthNote(NOTE_REGISTER + "siret", siret);
            auth.setAuthNote(NOTE_REGISTER + "name", Objects.requireNonNullElse(answer.text("name"), ""));
            auth.setAuthNote(
                    NOTE_REGISTER + "legal_category", Objects.requireNonNullElse(answer.text("legal_category"), ""));
            auth.setAuthNote(NOTE_REGISTER + "source", Objects.requireNonNullElse(answer.text("source"), ""));
            auth.setAuthNote(NOTE_REGISTER + "fetched_at", Objects.requireNonNullElse(answer.text("fetched_at"), ""));
            auth.setAuthNote(
                    NOTE_REGISTER + "public",
                    String.valueOf(answer.structure().path("public").asBoolean(true)));
            String type = answer.structure().path("structure_type").path("code").asText("");
            auth.setAuthNote(NOTE_REGISTER + RegistrationForm.STRUCTURE_TYPE, type);
            auth.setAuthNote(NOTE_VALUE + RegistrationForm.STRUCTURE_TYPE, type);
            for (Map.Entry<String, String> prefill : PREFILL.entrySet()) {
                String source = prefill.getValue();
                String value =
                        source.startsWith("address.") ? answer.addressLine(source.substring(8)) : answer.text(source);
                value = Objects.requireNonNullElse(value, "");
                auth.setAuthNote(NOTE_REGISTER + prefill.getKey(), value);
                auth.setAuthNote(NOTE_VALUE + prefill.getKey(), value);
            }
        }
        return new Lookup(siret, null, false);
    }

    private void personStep(AuthenticationFlowContext context) {
        Map<String, String> person = values(context, RegistrationForm.PERSON_FIELDS);
        Map<String, String> errors = RegistrationForm.validatePerson(person);
        if (!errors.isEmpty()) {
            go(context, Step.PERSON, messages(errors));
            return;
        }
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        NewAccount account = new NewAccount(
                auth.getAuthNote(NOTE_REGISTER + "siret"),
                notes(auth, NOTE_REGISTER, REGISTER_KEYS),
                values(context, RegistrationForm.STRUCTURE_FIELDS),
                person);
        complete(context, account);
    }

    /**
     * The last step is valid: the registration creates the structure and its administrator, sends
     * the activation e-mail and shows the recap (or, for an address that has an account, the same
     * page, docs/registration-oracle.md).
     */
    protected void complete(AuthenticationFlowContext context, NewAccount account) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        String siret = account.siret();
        ClientModel client = auth.getClient();
        String username;
        try {
            username = answer(context, account);
        } catch (StructureAlreadyRegistered e) {
            structureExists(context, siret);
            return;
        } catch (AccountCreator.ActivationNotSent e) {
            LOG.errorf("registration of SIRET %s rolled back: activation e-mail not sent: %s", siret, e.getCause());
            go(context, Step.PERSON, List.of(new FormMessage(RegistrationForm.EMAIL, "haErrorActivationNotSent")));
            return;
        }
        forget(auth);
        Response done = context.form()
                .setAttribute("username", username)
                .setAttribute("homeUrl", homeUrl(client))
                .createForm("hariane-register-done.ftl");
        context.challenge(done);
    }

    /**
     * The identifier the recap page shows: the new account's, or — when the address already has
     * an account — the one a new account would get (docs/registration-oracle.md).
     */
    private String answer(AuthenticationFlowContext context, NewAccount account) {
        long started = System.nanoTime();
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        UserModel owner = session.users().getUserByEmail(realm, account.email());
        if (owner == null) {
            try {
                String username = create(context, account);
                RegistrationPace.NODE.recordCreation(System.nanoTime() - started);
                return username;
            } catch (AddressAlreadyUsed e) { // registered by someone else meanwhile
                owner = AccountCreator.accountWithEmail(session, realm, account.email());
            }
        }
        return existingAddress(context, owner, account, started);
    }

    /** A new structure and its administrator, the activation e-mail sent; returns the identifier. */
    private String create(AuthenticationFlowContext context, NewAccount account) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        ClientModel client = context.getAuthenticationSession().getClient();
        AccountCreator.Created created = AccountCreator.create(
                session,
                realm,
                account,
                user -> ActivationEmail.send(session, realm, user, client.getClientId(), homeUrl(client)));
        context.getEvent()
                .event(EventType.REGISTER)
                .user(session.users().getUserById(realm, created.userId()))
                .detail(Details.USERNAME, created.username())
                .detail("siret", account.siret())
                .success();
        return created.username();
    }

    /**
     * The address already has an account: nothing is created, its owner is e-mailed, and the
     * person gets the page and the pace a new address gets (docs/registration-oracle.md).
     */
    private String existingAddress(
            AuthenticationFlowContext context, UserModel owner, NewAccount account, long started) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        String shown = ExistingAddress.identifierShown(session, realm, account.person());
        if (owner == null) { // deleted meanwhile: nobody to tell
            RegistrationPace.NODE.matchCreation(started);
            return shown;
        }
        try {
            ExistingAddress.tellOwner(
                    session,
                    realm,
                    owner,
                    account,
                    context.getAuthenticationSession().getClient().getClientId());
        } catch (org.keycloak.email.EmailException e) {
            throw new AccountCreator.ActivationNotSent(e); // what a new address would have met
        }
        context.getEvent()
                .event(EventType.REGISTER)
                .user(owner)
                .detail("siret", account.siret())
                .error(Errors.EMAIL_IN_USE);
        RegistrationPace.NODE.matchCreation(started);
        return shown;
    }

    /**
     * Back to the SIRET step with « Cette structure possède déjà un compte Hariane PRO » and the
     * button « Demander à rejoindre cette structure » to the portal's public page (no name nor
     * address of its members is shown).
     */
    protected void structureExists(AuthenticationFlowContext context, String siret) {
        ClientModel portal = context.getRealm().getClientByClientId(StructureAlreadyRegistered.PORTAL_CLIENT);
        context.getAuthenticationSession().setAuthNote(NOTE_STEP, Step.SIRET.name());
        LoginFormsProvider form =
                form(context, List.of(new FormMessage(RegistrationForm.SIRET, "haErrorStructureExists")));
        StructureAlreadyRegistered.joinUrl(portal == null ? null : portal.getRootUrl(), siret)
                .ifPresent(url -> form.setAttribute("haJoinUrl", url));
        context.challenge(form.createForm(Step.SIRET.template));
    }

    /** Everything the steps kept in the session. */
    protected static void forget(AuthenticationSessionModel auth) {
        VALUE_KEYS.forEach(key -> auth.removeAuthNote(NOTE_VALUE + key));
        REGISTER_KEYS.forEach(key -> auth.removeAuthNote(NOTE_REGISTER + key));
        auth.removeAuthNote(NOTE_STEP);
    }

    /** Whether « ← Retour » on the structure step goes back to a SIRET step. */
    protected boolean hasSiretStep() {
        return true;
    }

    private static String homeUrl(ClientModel client) {
        String root = client.getRootUrl();
        return root == null || root.isBlank() ? null : root.replaceAll("/+$", "") + "/";
    }

    protected void go(AuthenticationFlowContext context, Step step, List<FormMessage> errors) {
        context.getAuthenticationSession().setAuthNote(NOTE_STEP, step.name());
        context.challenge(render(context, step, errors));
    }

    private Response render(AuthenticationFlowContext context, Step step, List<FormMessage> errors) {
        return form(context, errors).createForm(step.template);
    }

    protected LoginFormsProvider form(AuthenticationFlowContext context, List<FormMessage> errors) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        Map<String, String> values = notes(auth, NOTE_VALUE, VALUE_KEYS);
        Map<String, String> register = notes(auth, NOTE_REGISTER, REGISTER_KEYS);
        LoginFormsProvider form = context.form()
                .setAttribute("haValues", values)
                .setAttribute("haRegister", register)
                .setAttribute("haStructureTypes", RegistrationForm.STRUCTURE_TYPES);
        errors.forEach(form::addError);
        return form;
    }

    private static Map<String, String> notes(AuthenticationSessionModel auth, String prefix, List<String> keys) {
        Map<String, String> notes = new HashMap<>();
        for (String key : keys) {
            String value = auth.getAuthNote(prefix + key);
            notes.put(key, value == null ? "" : value);
        }
        return notes;
    }

    private static Step step(AuthenticationFlowContext context) {
        String note = context.getAuthenticationSession().getAuthNote(NOTE_STEP);
        try {
            return note == null ? Step.SIRET : Step.valueOf(note);
        } catch (IllegalArgumentException e) {
            return Step.SIRET;
        }
    }

    private static void keep(
            AuthenticationFlowContext context, MultivaluedMap<String, String> data, List<String> fields) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        for (String field : fields) {
            String value = data.getFirst(field);
            if (RegistrationForm.isCheckbox(field)) {
                value = "on".equals(value) ? "on" : "";
            }
            auth.setAuthNote(NOTE_VALUE + field, value == null ? "" : value);
        }
    }

    private static Map<String, String> values(AuthenticationFlowContext context, List<String> fields) {
        Map<String, String> values = new HashMap<>();
        for (String field : fields) {
            values.put(field, context.getAuthenticationSession().getAuthNote(NOTE_VALUE + field));
        }
        return values;
    }

    private static List<FormMessage> messages(Map<String, String> errors) {
        return errors.entrySet().stream()
                .map(e -> new FormMessage(e.getKey(), e.getValue()))
                .toList();
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

    @Override
    public void close() {}
}
