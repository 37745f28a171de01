package dev.sensorwatch.lstm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the forward step, the readout, the loss and every BPTT gradient against reference cases
 * computed by an independent implementation (PyTorch, float64). Reads every {@code *.json} in
 * the test resources' {@code fixtures} folder beside this class (copies of
 * {@code ../shared/fixtures/lstm}; see its README), or in the folder named by the system property
 * {@code lstm.fixtures}: {@code ./mvnw test -Dtest=LstmGoldenTest -Dlstm.fixtures=DIR}.
 */
class LstmGoldenTest {

    /** Agreement required with the reference; the reference itself agrees with PyTorch to ~1e-12. */
    static final double TOLERANCE = 1e-9;

    static final String PROPERTY = "lstm.fixtures";
    /** The shipped cases: {@code src/test/resources/dev/sensorwatch/lstm/fixtures}. */
    static final String RESOURCE_FOLDER = "fixtures";

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        String given = System.getProperty(PROPERTY);
        Path folder;
        if (given == null || given.isBlank()) {
            URL shipped = LstmGoldenTest.class.getResource(RESOURCE_FOLDER);
            assertThat(shipped).as("test resource folder %s beside %s", RESOURCE_FOLDER, LstmGoldenTest.class).isNotNull();
            folder = Path.of(shipped.toURI());
        } else {
            folder = Path.of(given);
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + given + " is not a folder");
            }
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("*.json cases in %s", folder).isNotEmpty();
        return files.stream().map(file -> {
            try {
                LstmFixture fixture = LstmFixture.read(file);
                return Arguments.of(fixture.name(), fixture);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesReference(String name, LstmFixture fixture) {
        LstmShape shape = fixture.weights().shape();
        int units = shape.hiddenSize();
        int inputs = shape.inputSize();
        SoftAssertions softly = new SoftAssertions();

        // the live path: one workspace step and one prediction per reading
        LstmCell.Workspace workspace = new LstmCell(fixture.weights()).newWorkspace();
        LstmState state = fixture.initial().copy();
        double[] x = new double[inputs];
        double[] prediction = new double[inputs];
        for (int t = 0; t < fixture.steps(); t++) {
            System.arraycopy(fixture.series(), t * inputs, x, 0, inputs);
            workspace.stepInPlace(x, state);
            workspace.predictInto(state, prediction);
            for (int u = 0; u < units; u++) {
                softly.assertThat(state.hidden(u)).as("h[%d][%d]", t, u)
                        .isCloseTo(fixture.expectedH()[t][u], within(TOLERANCE));
                softly.assertThat(state.cell(u)).as("c[%d][%d]", t, u)
                        .isCloseTo(fixture.expectedC()[t][u], within(TOLERANCE));
            }
            for (int d = 0; d < inputs; d++) {
                softly.assertThat(prediction[d]).as("prediction[%d][%d]", t, d)
                        .isCloseTo(fixture.expectedPrediction()[t][d], within(TOLERANCE));
            }
        }

        // the training path: forward values, loss and gradients through the whole sequence
        Bptt bptt = new Bptt(shape, fixture.steps());
        LstmGradients gradients = new LstmGradients(shape);
        double loss = bptt.lossAndGradients(fixture.weights(), fixture.initial(), fixture.series(),
                0, fixture.steps(), 0, gradients);
        softly.assertThat(loss).as("loss").isCloseTo(fixture.expectedLoss(), within(TOLERANCE));
        for (int t = 0; t < fixture.steps(); t++) {
            for (int u = 0; u < units; u++) {
                softly.assertThat(bptt.hiddenAt(t, u)).as("BPTT h[%d][%d]", t, u)
                        .isCloseTo(fixture.expectedH()[t][u], within(TOLERANCE));
                softly.assertThat(bptt.cellAt(t, u)).as("BPTT c[%d][%d]", t, u)
                        .isCloseTo(fixture.expectedC()[t][u], within(TOLERANCE));
            }
            for (int d = 0; d < inputs; d++) {
                softly.assertThat(bptt.predictionAt(t, d)).as("BPTT prediction[%d][%d]", t, d)
                        .isCloseTo(fixture.expectedPrediction()[t][d], within(TOLERANCE));
            }
        }

        for (int block = 0; block < 4; block++) {
            Gate gate = LstmFixture.REFERENCE_GATE_ORDER[block];
            for (int u = 0; u < units; u++) {
                int row = block * units + u;
                for (int j = 0; j < inputs; j++) {
                    softly.assertThat(gradients.inputWeight(gate, u, j)).as("dW_ih[%d][%d] (%s)", row, j, gate)
                            .isCloseTo(fixture.gradient("W_ih", row, j), within(TOLERANCE));
                }
                for (int j = 0; j < units; j++) {
                    softly.assertThat(gradients.recurrentWeight(gate, u, j)).as("dW_hh[%d][%d] (%s)", row, j, gate)
                            .isCloseTo(fixture.gradient("W_hh", row, j), within(TOLERANCE));
                }
                softly.assertThat(gradients.bias(gate, u)).as("db_ih[%d] (%s)", row, gate)
                        .isCloseTo(fixture.gradient("b_ih", row), within(TOLERANCE));
                softly.assertThat(gradients.bias(gate, u)).as("db_hh[%d] (%s)", row, gate)
                        .isCloseTo(fixture.gradient("b_hh", row), within(TOLERANCE));
            }
        }
        for (int d = 0; d < inputs; d++) {
            for (int u = 0; u < units; u++) {
                softly.assertThat(gradients.readoutWeight(d, u)).as("dW_y[%d][%d]", d, u)
                        .isCloseTo(fixture.gradient("W_y", d, u), within(TOLERANCE));
            }
            softly.assertThat(gradients.readoutBias(d)).as("db_y[%d]", d)
                    .isCloseTo(fixture.gradient("b_y", d), within(TOLERANCE));
        }
        softly.assertAll();
    }
}
