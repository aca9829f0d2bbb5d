package fr.lehavre.hariane.idp.concession;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import fr.lehavre.hariane.idp.Contract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConcessionLinksTest {

    @Test
    void idsFollowTheContractVectors() {
        for (JsonNode vector : Contract.vectors("concession-id-vectors")) {
            String id = vector.get("value").asText();
            assertEquals(
                    vector.get("valid").asBoolean(),
                    ConcessionLinks.ID.matcher(id).matches(),
                    id);
        }
    }

    @Test
    void valuesBecomeIdAndLabelSortedById() {
        var claim = ConcessionLinks.claim(List.of("ECR-0002|GAZ | RESEAU SUD", "ECR-0001|EAU DU HAVRE - RESEAU NORD"));
        assertEquals(
                List.of(
                        Map.of("id", "ECR-0001", "label", "EAU DU HAVRE - RESEAU NORD"),
                        Map.of("id", "ECR-0002", "label", "GAZ | RESEAU SUD")),
                claim);
    }

    @Test
    void malformedValuesAreSkippedAndDuplicatesKeptOnce() {
        var claim = ConcessionLinks.claim(Arrays.asList(
                null,
                "",
                "no-bar",
                "|label without id",
                "ECR-0003|",
                "bad id!|x",
                "ECR-0003|A",
                "ECR-0003|B",
                "ECR-0004|" + "x".repeat(201)));
        assertEquals(List.of(Map.of("id", "ECR-0003", "label", "A")), claim);
    }

    @Test
    void nothingLinkedGivesAnEmptyList() {
        assertTrue(ConcessionLinks.claim(null).isEmpty());
        assertTrue(ConcessionLinks.claim(List.of()).isEmpty());
    }

    @Test
    void theFlatClaimListsTheIdsInTheSameOrder() {
        var claim = ConcessionLinks.claim(List.of("ECR-0002|GAZ", "ECR-0001|EAU", "bad id!|x"));
        assertEquals(List.of("ECR-0001", "ECR-0002"), ConcessionLinks.ids(claim));
        assertTrue(ConcessionLinks.ids(ConcessionLinks.claim(List.of())).isEmpty());
    }
}
