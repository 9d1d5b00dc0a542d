package dev.cloak.spring.boot;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads the application's Actuator endpoints over HTTP, as a monitoring system would. */
record Actuator(int port) {

    /** A response's status code and JSON body. */
    record Answer(int status, DocumentContext json) {

        <T> T read(String path) {
            return json.read(path);
        }
    }

    Answer get(String path) {
        HttpResponse<String> response = send(path);
        return new Answer(response.statusCode(), JsonPath.parse(response.body()));
    }

    private HttpResponse<String> send(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code /actuator/prometheus}: the registry in Prometheus's text format. */
    String prometheus() {
        HttpResponse<String> response = send("/actuator/prometheus");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * The value of the Prometheus sample named {@code name} whose labels include every one of {@code labels}
     * ({@code key="value"}), summed over the samples that match; 0 when none does.
     */
    double sample(String name, String... labels) {
        double total = 0;
        for (String line : prometheus().split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    /** {@code /actuator/health}, once Cloak's component has a first result (its checks run in the background). */
    Answer healthOnceChecked() {
        Answer[] last = new Answer[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            last[0] = get("/actuator/health");
            return !"UNKNOWN".equals(last[0].read("$.components.cloak.status"));
        });
        return last[0];
    }
}
