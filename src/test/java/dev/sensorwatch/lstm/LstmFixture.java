package dev.sensorwatch.lstm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One LSTM reference case (format in the README of the {@code fixtures} test resources), mapped
 * onto this project's layout: the reference stacks its gates in the order input, forget,
 * candidate, output and keeps two biases per gate, which add up to this project's one.
 */
record LstmFixture(String name, LstmWeights weights, LstmState initial, double[] series, int steps,
                   double[][] expectedH, double[][] expectedC, double[][] expectedPrediction,
                   double expectedLoss, JsonNode gradients) {

    /** The reference's row blocks, in its order. */
    static final Gate[] REFERENCE_GATE_ORDER = {Gate.INPUT, Gate.FORGET, Gate.CANDIDATE, Gate.OUTPUT};

    static LstmFixture read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        String order = root.path("gate_order").asText();
        if (!"i,f,g,o".equals(order)) {
            throw new IllegalArgumentException(file + ": gate order " + order + " is not i,f,g,o");
        }
        int inputs = root.get("input_size").asInt();
        int units = root.get("hidden_size").asInt();
        int steps = root.get("steps").asInt();
        LstmShape shape = LstmShape.of(inputs, units);
        JsonNode w = root.get("weights");
        double[][] wih = matrix(w.get("W_ih"));
        double[][] whh = matrix(w.get("W_hh"));
        double[] bih = vector(w.get("b_ih"));
        double[] bhh = vector(w.get("b_hh"));
        LstmWeights.Builder builder = LstmWeights.builder(shape)
                .readoutWeights(matrix(w.get("W_y")))
                .readoutBias(vector(w.get("b_y")));
        for (int block = 0; block < 4; block++) {
            Gate gate = REFERENCE_GATE_ORDER[block];
            double[][] input = new double[units][];
            double[][] recurrent = new double[units][];
            double[] bias = new double[units];
            for (int u = 0; u < units; u++) {
                int row = block * units + u;
                input[u] = wih[row];
                recurrent[u] = whh[row];
                bias[u] = bih[row] + bhh[row];
            }
            builder.inputWeights(gate, input).recurrentWeights(gate, recurrent).bias(gate, bias);
        }
        double[][] inputRows = matrix(root.get("inputs"));
        double[] series = new double[inputRows.length * inputs];
        for (int t = 0; t < inputRows.length; t++) {
            System.arraycopy(inputRows[t], 0, series, t * inputs, inputs);
        }
        JsonNode expected = root.get("expected");
        return new LstmFixture(root.get("name").asText(), builder.build(),
                LstmState.of(vector(root.get("h0")), vector(root.get("c0"))), series, steps,
                matrix(expected.get("h")), matrix(expected.get("c")), matrix(expected.get("prediction")),
                root.get("loss").get("value").asDouble(), root.get("gradients"));
    }

    /** Reference gradient of row {@code row}, column {@code column} of the named matrix. */
    double gradient(String name, int row, int column) {
        return gradients.get(name).get(row).get(column).asDouble();
    }

    /** Reference gradient of element {@code index} of the named vector. */
    double gradient(String name, int index) {
        return gradients.get(name).get(index).asDouble();
    }

    static double[][] matrix(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int r = 0; r < m.length; r++) {
            m[r] = vector(node.get(r));
        }
        return m;
    }

    static double[] vector(JsonNode node) {
        double[] v = new double[node.size()];
        for (int k = 0; k < v.length; k++) {
            v[k] = node.get(k).asDouble();
        }
        return v;
    }
}
