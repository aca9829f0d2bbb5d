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
import org.jboss.logging.Logger;

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
