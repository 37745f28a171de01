package dev.sensorwatch.cli;

import dev.sensorwatch.stream.OutputFormat;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The format of the output records, {@code --output-format}: an option of every command that runs the topology ({@code run}, {@code demo}). */
final class OutputFormatOptions {

    @Option(names = "--output-format", paramLabel = "avro|json", defaultValue = "avro", converter = Converter.class,
            description = {"Format of the scores, anomalies and dead-letter records: avro (Avro single-object encoding,"
                + " as before) or json (one UTF-8 JSON object per record, channels named, readable in any Kafka UI or"
                + " with jq; see docs/records.md). Readings are read, and the state stored, as Avro either way."
                + " Default: ${DEFAULT-VALUE}."})
    OutputFormat outputFormat;

    /** Parses {@code avro} or {@code json}, in any case. */
    static final class Converter implements ITypeConverter<OutputFormat> {
        @Override
        public OutputFormat convert(String value) {
            try {
                return OutputFormat.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected avro or json, got '" + value + "'");
            }
        }
    }
}
