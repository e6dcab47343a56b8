package dev.sentryagent.idp.examples.spring;

import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.JwkSetUriJwtDecoderBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.web.SecurityFilterChain;

/**
 * What Spring Boot's auto-configured JWT decoder needs for RFC 9068 access tokens, and the
 * routes. Boot builds the decoder from {@code issuer-uri} (discovery, then the JWKS), checks
 * {@code iss}, {@code exp}/{@code nbf} and {@code audiences}, and maps {@code scope} to
 * {@code SCOPE_...} authorities; the two beans below add the token type.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfig {

    /**
     * Our tokens say {@code typ: at+jwt} (RFC 9068). Nimbus, under Spring Security 6, accepts
     * only {@code JWT} or no {@code typ} unless told otherwise, and refuses the token before any
     * validator runs ({@code JOSE header typ (type) at+jwt not allowed}). Turning Nimbus's
     * check off hands the {@code typ} check to {@link #accessTokenType()}.
     */
    @Bean
    JwkSetUriJwtDecoderBuilderCustomizer typeCheckedByValidator() {
        return builder -> builder.validateType(false);
    }

    /**
     * Requires {@code typ: at+jwt}, so that no other JWT signed by the IdP's keys (none exists
     * today, but RFC 8725 section 3.11 asks for it) passes as an access token. Boot adds every
     * {@code OAuth2TokenValidator<Jwt>} bean to the decoder's validators.
     */
    @Bean
    JwtTypeValidator accessTokenType() {
        return new JwtTypeValidator("at+jwt", "application/at+jwt");
    }

    /** {@code /health} is public; {@code /agent/**} needs an agent token; the rest any valid token. */
    @Bean
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.GET, "/health").permitAll()
                        .requestMatchers("/agent/**").hasAuthority("SCOPE_agent")
                        .anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                // Bearer tokens only: no session, no cookie, so nothing for CSRF to ride on.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable());
        return http.build();
    }
}
