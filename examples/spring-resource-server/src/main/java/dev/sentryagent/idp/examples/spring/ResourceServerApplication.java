package dev.sentryagent.idp.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An API that accepts SentryAgent IdP access tokens: Spring Boot's resource server, configured
 * by {@code application.yml} (issuer, audience, scope authorities) and {@link SecurityConfig}
 * (the RFC 9068 {@code typ}, and which scope each route needs).
 */
@SpringBootApplication
public class ResourceServerApplication {

    public static void main(String[] args) {
        SpringApplication.run(ResourceServerApplication.class, args);
    }
}
