package fr.lehavre.hariane.idp.structure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StructureMembersPageTest {

    @Test
    @DisplayName("Given a page asked for, then it is served within bounds; absent or absurd values get the defaults")
    void pageBounds() {
        assertEquals(500, StructureMembersResource.pageSize(500));
        assertEquals(7, StructureMembersResource.offset(7));
        assertEquals(StructureMembersResource.DEFAULT_PAGE, StructureMembersResource.pageSize(null));
        assertEquals(StructureMembersResource.DEFAULT_PAGE, StructureMembersResource.pageSize(0));
        assertEquals(StructureMembersResource.LARGEST_PAGE, StructureMembersResource.pageSize(1_000_000));
        assertEquals(0, StructureMembersResource.offset(null));
        assertEquals(0, StructureMembersResource.offset(-3));
    }
}
