package dev.grocer;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/** Starts grocer: the gRPC server on 9090 and actuator over HTTP on 8080. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GrocerApplication {

    public static void main(String[] args) {
        SpringApplication.run(GrocerApplication.class, args);
    }

    /** The one clock that stamps create and update times, so tests can substitute their own. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
