package dev.sentryagent.idp.core;

import dev.sentryagent.idp.core.internal.Names;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A registered agent: the subject of agent-scoped tokens.
 *
 * @param id the agent's id
 * @param name a display name, 1 to 200 characters
 * @param description free text up to 2000 characters, or null
 * @param createdAt when it was registered (whole seconds)
 * @param createdBy who registered it: {@code admin}, or the provider, repository and ref of the
 *     bootstrap token, e.g. {@code github:org/repo@refs/heads/main}
 */
public record Agent(UUID id, String name, String description, Instant createdAt, String createdBy) {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;

    public Agent {
        Objects.requireNonNull(id, "id");
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("name is required and must not be blank");
        }
        Names.displayText("name", name);
        Names.displayText("description", description);
        if (name.length() > MAX_NAME_LENGTH) {
            throw new InvalidRequestException("name must be at most " + MAX_NAME_LENGTH + " characters, got "
                    + name.length());
        }
        if (description != null && description.length() > MAX_DESCRIPTION_LENGTH) {
            throw new InvalidRequestException("description must be at most " + MAX_DESCRIPTION_LENGTH
                    + " characters, got " + description.length());
        }
        Objects.requireNonNull(createdAt, "createdAt");
        if (createdBy == null || createdBy.isBlank()) {
            throw new InvalidRequestException("createdBy is required");
        }
    }

    /** A new agent with a fresh id, registered now. */
    public static Agent create(String name, String description, String createdBy) {
        return new Agent(UUID.randomUUID(), name, description, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                createdBy);
    }

    /** Quoted for messages: never longer than a line. */
    @Override
    public String toString() {
        return "Agent[id=" + id + ", name=" + Names.quote(name) + ", createdBy=" + createdBy + "]";
    }
}
