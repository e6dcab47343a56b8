package dev.sentryagent.idp.examples.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The example's two routes. */
@RestController
public class AgentController {

    /** Public: for load balancers. */
    @GetMapping("/health")
    public Map<String, String> health() {
        return Map.of("status", "ok");
    }

    /**
     * Who is calling: an agent token's {@code sub} is the agent id; the other claims say which
     * repository and ref the CI run that obtained it came from.
     */
    @GetMapping("/agent/whoami")
    public Map<String, Object> whoami(@AuthenticationPrincipal Jwt token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agentId", token.getSubject());
        body.put("scope", token.getClaimAsString("scope"));
        body.put("clientId", token.getClaimAsString("client_id"));
        body.put("repository", token.getClaimAsString("repository"));
        body.put("ref", token.getClaimAsString("ref"));
        body.put("expiresAt", token.getExpiresAt());
        return body;
    }
}
