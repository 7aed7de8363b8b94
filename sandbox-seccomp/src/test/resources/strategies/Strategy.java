import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The same crossover in Java, for tracing what a JVM strategy needs. */
public class Strategy {
    public static void main(String[] args) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("prices.csv"));
        double sum = 0;
        for (String line : lines.subList(1, lines.size())) {
            sum += Double.parseDouble(line.split(",")[1]);
        }
        System.out.println("{\"mean\": " + sum / (lines.size() - 1) + "}");
    }
}
