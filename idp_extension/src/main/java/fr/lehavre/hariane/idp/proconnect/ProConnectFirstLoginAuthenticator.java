package fr.lehavre.hariane.idp.proconnect;

import fr.lehavre.hariane.idp.activation.ActivationRequiredAction;
import fr.lehavre.hariane.idp.activation.Cgu;
import fr.lehavre.hariane.idp.adapter.AdapterClient;
import fr.lehavre.hariane.idp.registration.AccountCreator;
import fr.lehavre.hariane.idp.registration.AddressAlreadyUsed;
import fr.lehavre.hariane.idp.registration.NewAccount;
import fr.lehavre.hariane.idp.registration.ProRegistrationAuthenticator;
import fr.lehavre.hariane.idp.registration.RegistrationForm;
import fr.lehavre.hariane.idp.registration.StructureAlreadyRegistered;
import jakarta.ws.rs.core.MultivaluedMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.authenticators.broker.AbstractIdpAuthenticator;
import org.keycloak.authentication.authenticators.broker.util.SerializedBrokeredIdentityContext;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The first login through ProConnect (the realm's first-broker-login flow of the provider
 * {@code proconnect}). Keycloak has already looked for an account linked to ProConnect's {@code
 * sub} (and signed it in when there was one): here there is none, and an account is never looked
 * up nor linked by its e-mail address. Then the {@code siret} ProConnect asserted decides:
 *
 * <ul>
 *   <li>an {@code acr} below the accepted ones, no {@code siret}, no e-mail, or a SIRET the SIRET
 *       step refuses (format, unknown or closed in the register): a French page, nothing created;
 *   <li>a structure that has an account: « Demander à rejoindre cette structure » (the fonction to
 *       give), a join request filed for the verified address, and where it stands;
 *   <li>an unknown structure: « Créer un compte Pro » from the structure step (2/3) with the
 *       register's data, then step 3 prefilled from ProConnect; the account is created without a
 *       password, its CGU recorded, and linked to ProConnect's {@code sub} by Keycloak.
 * </ul>
 */
public final class ProConnectFirstLoginAuthenticator extends AbstractIdpAuthenticator {

    private static final Logger LOG = Logger.getLogger(ProConnectFirstLoginAuthenticator.class);

    static final String NOTE_PHASE = "hariane.pc.phase";
    static final String NOTE_EMAIL = "hariane.pc.email";
    static final String NOTE_SIRET = "hariane.pc.siret";
    static final String NOTE_FIRST = "hariane.pc.first";
    static final String NOTE_LAST = "hariane.pc.last";
    static final String NOTE_JOB = "hariane.pc.job";
    static final String NOTE_SUB = "hariane.pc.sub";
    static final String NOTE_IDP_USERNAME = "hariane.pc.username";
    static final String PHASE_REGISTER = "register";
    static final String PHASE_JOIN = "join";
    static final String FIELD_CGU = "acceptCgu";
    static final String JOIN_TEMPLATE = "hariane-proconnect-join.ftl";
    static final String REFUSED_TEMPLATE = "hariane-proconnect-refused.ftl";

    private final AdapterClient adapter;
    private final Steps steps;

    ProConnectFirstLoginAuthenticator(AdapterClient adapter) {
        this.adapter = adapter;
        this.steps = new Steps(adapter, this);
    }

    @Override
    protected void authenticateImpl(
            AuthenticationFlowContext context,
            SerializedBrokeredIdentityContext serialized,
            BrokeredIdentityContext broker) {
        ProConnectAssertion assertion = ProConnectClaims.of(broker);
        Optional<String> refusal = assertion.refusal(accepted(context));
        if (refusal.isPresent()) {
            refuse(context, refusal.get(), assertion);
            return;
        }
        ProRegistrationAuthenticator.Lookup lookup = steps.lookUp(context, assertion.siret());
        if (lookup.errorKey() != null) {
            refuse(context, lookup.errorKey(), assertion);
            return;
        }
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        auth.setAuthNote(NOTE_SIRET, lookup.siret());
        auth.setAuthNote(NOTE_EMAIL, assertion.email().strip().toLowerCase(java.util.Locale.ROOT));
        auth.setAuthNote(
                NOTE_FIRST,
                Objects.requireNonNullElse(assertion.givenName(), "").strip());
        auth.setAuthNote(
                NOTE_LAST, Objects.requireNonNullElse(assertion.usualName(), "").strip());
        auth.setAuthNote(NOTE_SUB, assertion.subject());
        auth.setAuthNote(NOTE_IDP_USERNAME, Objects.requireNonNullElse(broker.getUsername(), assertion.subject()));
        if (lookup.structureExists()) {
            joinForm(context, List.of());
            return;
        }
        auth.setAuthNote(NOTE_PHASE, PHASE_REGISTER);
        steps.prefill(context);
        steps.start(context);
    }

    @Override
    protected void actionImpl(
            AuthenticationFlowContext context,
            SerializedBrokeredIdentityContext serialized,
            BrokeredIdentityContext broker) {
        String phase = context.getAuthenticationSession().getAuthNote(NOTE_PHASE);
        if (PHASE_JOIN.equals(phase)) {
            join(context);
        } else if (PHASE_REGISTER.equals(phase)) {
            steps.action(context);
        } else {
            authenticateImpl(context, serialized, broker);
        }
    }

    /** « Demander à rejoindre cette structure »: the person gives their fonction. */
    void joinForm(AuthenticationFlowContext context, List<FormMessage> errors) {
        joinForm(context, errors, false);
    }

    private void joinForm(AuthenticationFlowContext context, List<FormMessage> errors, boolean cguTicked) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        auth.setAuthNote(NOTE_PHASE, PHASE_JOIN);
        LoginFormsProvider form = context.form()
                .setAttribute("haSiret", auth.getAuthNote(NOTE_SIRET))
                .setAttribute("haJobTitle", Objects.requireNonNullElse(auth.getAuthNote(NOTE_JOB), ""))
                .setAttribute("haCguTicked", cguTicked)
                .setAttribute("haFiled", false);
        errors.forEach(form::addError);
        context.challenge(form.createForm(JOIN_TEMPLATE));
    }

    private void join(AuthenticationFlowContext context) {
        AuthenticationSessionModel auth = context.getAuthenticationSession();
        MultivaluedMap<String, String> data = context.getHttpRequest().getDecodedFormParameters();
        String jobTitle = Objects.requireNonNullElse(data.getFirst(RegistrationForm.JOB_TITLE), "")
                .strip();
        auth.setAuthNote(NOTE_JOB, jobTitle);
        Map<String, String> person = new HashMap<>();
        person.put(RegistrationForm.FIRST_NAME, auth.getAuthNote(NOTE_FIRST));
        person.put(RegistrationForm.LAST_NAME, auth.getAuthNote(NOTE_LAST));
        person.put(RegistrationForm.EMAIL, auth.getAuthNote(NOTE_EMAIL));
        person.put(RegistrationForm.JOB_TITLE, jobTitle);
        boolean cguAccepted = "on".equals(data.getFirst(FIELD_CGU));
        String jobError = RegistrationForm.validatePerson(person).get(RegistrationForm.JOB_TITLE);
        if (jobError != null) {
            joinForm(context, List.of(new FormMessage(RegistrationForm.JOB_TITLE, jobError)), cguAccepted);
            return;
        }
        if (!cguAccepted) {
            joinForm(context, List.of(new FormMessage(FIELD_CGU, "haErrorCguRequired")));
            return;
        }
        // the identity the account made at acceptance is linked to, and the CGU accepted here
        Map<String, String> identity = Map.of(
                "idp_user_id", auth.getAuthNote(NOTE_SUB),
                "idp_username", auth.getAuthNote(NOTE_IDP_USERNAME),
                "cgu_version", Cgu.VERSION,
                "cgu_sha256", Cgu.sha256(),
                "cgu_accepted_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        Optional<String> state = adapter.fileVerifiedJoinRequest(
                auth.getAuthNote(NOTE_SIRET),
                auth.getAuthNote(NOTE_FIRST),
                auth.getAuthNote(NOTE_LAST),
                auth.getAuthNote(NOTE_EMAIL),
                jobTitle,
                context.getConnection().getRemoteAddr(),
                identity);
        if (state.isEmpty()) {
            joinForm(context, List.of(new FormMessage(RegistrationForm.JOB_TITLE, "haErrorJoinUnavailable")));
            return;
        }
        context.getEvent()
                .clone()
                .event(EventType.IDENTITY_PROVIDER_FIRST_LOGIN)
                .detail("siret", auth.getAuthNote(NOTE_SIRET))
                .detail("join_request", state.get())
                .error("join_request_filed");
        context.challenge(context.form()
                .setAttribute("haSiret", auth.getAuthNote(NOTE_SIRET))
                .setAttribute("haFiled", true)
                .setAttribute("haJoinState", state.get())
                .createForm(JOIN_TEMPLATE));
    }

    /** A French page saying why, with a way back to the login page; nothing was created. */
    void refuse(AuthenticationFlowContext context, String messageKey, ProConnectAssertion assertion) {
        LOG.infof(
                "ProConnect first login refused (%s): acr %s, SIRET %s",
                messageKey, assertion == null ? "-" : assertion.acr(), assertion == null ? "-" : assertion.siret());
        context.getEvent().detail(Details.REASON, messageKey);
        context.failureChallenge(
                AuthenticationFlowError.IDENTITY_PROVIDER_ERROR,
                context.form().setAttribute("haRefusal", messageKey).createForm(REFUSED_TEMPLATE));
    }

    static Set<String> accepted(AuthenticationFlowContext context) {
        return levels(context, ProConnectAssertion.ACCEPTED_ACR);
    }

    /** The {@code acr} values of one of the execution's settings (none when it is not set). */
    static Set<String> levels(AuthenticationFlowContext context, String name) {
        AuthenticatorConfigModel config = context.getAuthenticatorConfig();
        String setting = config == null || config.getConfig() == null
                ? null
                : config.getConfig().get(name);
        return ProConnectAssertion.acceptedLevels(setting);
    }

    @Override
    public boolean requiresUser() {
        return false;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    /**
     * « Créer un compte Pro » from the structure step, the person's name and address from
     * ProConnect; the last step creates the account signed in through ProConnect (no activation
     * e-mail, no password, the CGU accepted on that page).
     */
    static final class Steps extends ProRegistrationAuthenticator {

        private final ProConnectFirstLoginAuthenticator outer;

        Steps(AdapterClient adapter, ProConnectFirstLoginAuthenticator outer) {
            super(adapter);
            this.outer = outer;
        }

        @Override
        protected Lookup lookUp(AuthenticationFlowContext context, String typed) {
            return super.lookUp(context, typed);
        }

        void prefill(AuthenticationFlowContext context) {
            AuthenticationSessionModel auth = context.getAuthenticationSession();
            auth.setAuthNote(NOTE_VALUE + RegistrationForm.FIRST_NAME, auth.getAuthNote(NOTE_FIRST));
            auth.setAuthNote(NOTE_VALUE + RegistrationForm.LAST_NAME, auth.getAuthNote(NOTE_LAST));
            auth.setAuthNote(NOTE_VALUE + RegistrationForm.EMAIL, auth.getAuthNote(NOTE_EMAIL));
        }

        void start(AuthenticationFlowContext context) {
            go(context, Step.STRUCTURE, List.of());
        }

        @Override
        protected boolean hasSiretStep() {
            return false;
        }

        @Override
        protected LoginFormsProvider form(AuthenticationFlowContext context, List<FormMessage> errors) {
            return super.form(context, errors).setAttribute("haProConnect", true);
        }

        @Override
        protected void structureExists(AuthenticationFlowContext context, String siret) {
            outer.joinForm(context, List.of());
        }

        @Override
        protected void complete(AuthenticationFlowContext context, NewAccount typed) {
            AuthenticationSessionModel auth = context.getAuthenticationSession();
            MultivaluedMap<String, String> data = context.getHttpRequest().getDecodedFormParameters();
            if (!"on".equals(data.getFirst(FIELD_CGU))) {
                go(context, Step.PERSON, List.of(new FormMessage(FIELD_CGU, "haErrorCguRequired")));
                return;
            }
            // the address is ProConnect's, verified there: never the one the page sent back
            Map<String, String> person = new HashMap<>(typed.person());
            person.put(RegistrationForm.EMAIL, auth.getAuthNote(NOTE_EMAIL));
            NewAccount account = new NewAccount(typed.siret(), typed.registerValues(), typed.structure(), person);
            KeycloakSession session = context.getSession();
            RealmModel realm = context.getRealm();
            if (session.users().getUserByEmail(realm, account.email()) != null) {
                outer.refuse(context, "haErrorProConnectEmailUsed", null);
                return;
            }
            AccountCreator.Created created;
            try {
                created = AccountCreator.create(session, realm, account, user -> {
                    user.removeRequiredAction(ActivationRequiredAction.PROVIDER_ID);
                    user.setEmailVerified(true);
                    Cgu.record(user);
                });
            } catch (StructureAlreadyRegistered e) {
                structureExists(context, account.siret());
                return;
            } catch (AddressAlreadyUsed e) {
                outer.refuse(context, "haErrorProConnectEmailUsed", null);
                return;
            }
            UserModel user = session.users().getUserById(realm, created.userId());
            context.getEvent()
                    .clone()
                    .event(EventType.REGISTER)
                    .user(user)
                    .detail(Details.USERNAME, created.username())
                    .detail(Details.IDENTITY_PROVIDER, "proconnect")
                    .detail("siret", account.siret())
                    .success();
            forget(auth);
            auth.removeAuthNote(NOTE_PHASE);
            context.setUser(user);
            context.success();
        }
    }
}
