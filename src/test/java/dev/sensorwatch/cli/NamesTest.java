package dev.sensorwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void editDistanceCountsInsertionsDeletionsAndReplacements() {
        assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Names.distance("", "abc")).isEqualTo(3);
        assertThat(Names.distance("same", "same")).isZero();
    }

    @Test
    void theSamePathBelowAnotherFolderComesFirstThenTheClosestSpelling() {
        List<String> names = List.of("nyc_taxi.csv", "realKnownCause/nyc_taxi.csv", "a.csv", "realKnownCause/nyc_taxl.csv");
        assertThat(Names.nearest("realKnownCause/nyc_taxi.csv", List.of("nyc_taxi.csv", "x/machine.csv"), 1))
                .containsExactly("nyc_taxi.csv");
        assertThat(Names.nearest("realKnownCause/nyc_taxo.csv", names, 2))
                .containsExactly("realKnownCause/nyc_taxi.csv", "realKnownCause/nyc_taxl.csv");
    }
}
