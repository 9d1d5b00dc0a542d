package dev.cloak.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application with nothing of its own: a data source from spring.datasource.*, and Cloak from the starter. */
@SpringBootApplication
public class StarterTestApplication {
}
