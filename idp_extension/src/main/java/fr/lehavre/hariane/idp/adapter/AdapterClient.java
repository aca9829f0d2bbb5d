package fr.lehavre.hariane.idp.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.Config;

/**
 * Calls the portal adapter's API (authenticated by the shared secret). Any failure to reach it
 * or to read its answer becomes {@code upstream_unavailable}: the user is told to retry.
 */
public final class AdapterClient {

    private static final Logger LOG = Logger.getLogger(AdapterClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String baseUrl;
    private final String secret;
    private final Duration timeout;

    public AdapterClient(String baseUrl, String secret, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.secret = secret;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * A client for the adapter the extension's settings name (SPI config, or the environment):
     * {@code adapterUrl} / {@code HARIANE_ADAPTER_URL}, {@code adapterApiSecret} /
     * {@code HARIANE_ADAPTER_API_SECRET}, and the timeout under {@code timeoutKey} / {@code timeoutEnv}.
     */
    public static AdapterClient configured(
            Config.Scope config, String timeoutKey, String timeoutEnv, String defaultSeconds) {
        String url = setting(config, "adapterUrl", "HARIANE_ADAPTER_URL", "http://127.0.0.1:5000");
        String secret = setting(config, "adapterApiSecret", "HARIANE_ADAPTER_API_SECRET", "");
        long seconds = Long.parseLong(setting(config, timeoutKey, timeoutEnv, defaultSeconds));
        return new AdapterClient(url, secret, Duration.ofSeconds(seconds));
    }

    private static String setting(Config.Scope config, String key, String env, String fallback) {
        String value = config == null ? null : config.get(key);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /**
     * Posts a security event ({@code POST /api/notices/events}) without waiting for the answer: the
     * caller's thread never blocks; a failure or a timeout is logged and the e-mail is lost.
     */
    public void postNotice(String json) {
        HttpRequest request = jsonPost("/api/notices/events", json, timeout);
        try {
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null) {
                    LOG.warnf("security e-mail lost, portal adapter unreachable: %s", error.toString());
                } else if (response.statusCode() != 202) {
                    LOG.warnf("security e-mail lost, portal adapter answered HTTP %d", response.statusCode());
                }
            });
        } catch (RuntimeException e) {
            LOG.warnf("security e-mail lost: %s", e.toString());
        }
    }

    /**
     * May an e-mail of {@code action} go to {@code address}, asked from {@code client}
     * ({@code POST /api/notices/allowance}, the adapter's throttle)? When the adapter cannot answer,
     * yes (logged): the throttle never stands between a person and their own account.
     */
    public boolean mayEmail(String action, String address, String client) {
        try {
            String json = JSON.writeValueAsString(
                    Map.of("action", action, "address", address, "client", client == null ? "" : client));
            HttpRequest request = jsonPost("/api/notices/allowance", json, timeout);
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return JSON.readTree(response.body()).path("allowed").asBoolean(true);
            }
            LOG.warnf("portal adapter answered HTTP %d to a throttle question: e-mail allowed", response.statusCode());
        } catch (IOException e) {
            LOG.warnf("portal adapter unreachable for a throttle question, e-mail allowed: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("throttle answer unreadable, e-mail allowed: %s", e.toString());
        }
        return true;
    }

    /**
     * Files a join request for a person whose address the federation (ProConnect) verified
     * ({@code POST /api/join-requests/verified}): it goes to the structure's administrators at once.
     * Returns the request's state ({@code pending}, {@code escalated}, or the state of the live
     * request this address already had), or empty when the adapter could not file it.
     *
     * @param identity the person's identity at ProConnect and their CGU acceptance, sent as they are
     *     ({@code idp_user_id}, {@code idp_username}, {@code cgu_version}, {@code cgu_sha256},
     *     {@code cgu_accepted_at}): the adapter links the account it creates at acceptance
     */
    public java.util.Optional<String> fileVerifiedJoinRequest(
            String siret,
            String firstName,
            String lastName,
            String email,
            String jobTitle,
            String client,
            Map<String, String> identity) {
        try {
            Map<String, String> body = new java.util.HashMap<>(identity);
            body.putAll(Map.of(
                    "siret", siret,
                    "first_name", firstName,
                    "last_name", lastName,
                    "email", email,
                    "job_title", jobTitle,
                    "client", client == null ? "" : client));
            String json = JSON.writeValueAsString(body);
            HttpRequest request = jsonPost("/api/join-requests/verified", json, timeout.multipliedBy(3));
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200 || response.statusCode() == 201) {
                String state = JSON.readTree(response.body()).path("state").asText("");
                return state.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(state);
            }
            LOG.warnf("portal adapter answered HTTP %d to a join request", response.statusCode());
        } catch (IOException e) {
            LOG.warnf("portal adapter unreachable for a join request: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("join request answer unreadable: %s", e.toString());
        }
        return java.util.Optional.empty();
    }

    /** A JSON POST to the adapter's {@code path}, authenticated with the extension's secret. */
    private HttpRequest jsonPost(String path, String json, Duration within) {
        return HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(within)
                .header("Authorization", "Bearer " + secret)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
    }

    public StructureAnswer structure(String siret) {
        String path = URLEncoder.encode(siret == null ? "" : siret, StandardCharsets.UTF_8)
                .replace("+", "%20");
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/structures/" + path))
                .timeout(timeout.multipliedBy(3))
                .header("Authorization", "Bearer " + secret)
                .header("Accept", "application/json")
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() == 200) {
                return StructureAnswer.found(body);
            }
            JsonNode error = body.path("error");
            if (error.hasNonNull("code") && error.hasNonNull("message") && response.statusCode() != 401) {
                return new StructureAnswer(
                        error.get("structure"),
                        error.get("code").asText(),
                        error.get("message").asText());
            }
            LOG.warnf("portal adapter answered HTTP %d to a structure lookup", response.statusCode());
        } catch (IOException e) {
            LOG.warnf("portal adapter unreachable: %s", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warnf("portal adapter answer unreadable: %s", e.toString());
        }
        return StructureAnswer.error(StructureAnswer.UNAVAILABLE, StructureAnswer.UNAVAILABLE_MESSAGE);
    }
}
