package dev.sentryagent.idp.core.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jose4j.json.internal.json_simple.parser.ContainerFactory;
import org.jose4j.json.internal.json_simple.parser.JSONParser;
import org.jose4j.json.internal.json_simple.parser.ParseException;
import org.jose4j.jwt.JwtClaims;

/**
 * Parses a token's claims with jose4j's own JSON parser, as {@link JwtClaims#parse(String)} does,
 * but with one parser per thread: jose4j makes a new parser for every document, and each allocates
 * a 16,384-char scanner buffer, which made it the largest allocation of an exchange (a third of
 * the request thread's bytes in the server's allocation profile). The grammar, the number and
 * string handling and the refusal of duplicate member names are jose4j's
 * ({@code JsonUtil.parseJson}): this class changes where the parser lives, not what it accepts.
 */
public final class ClaimsJson {
    private static final ContainerFactory NO_DUPLICATES = new ContainerFactory() {
        @Override
        public Map<String, Object> createObjectContainer() {
            return new NoDuplicateNames();
        }

        @Override
        public List<Object> creatArrayContainer() {
            return new ArrayList<>();
        }
    };
    private static final ThreadLocal<JSONParser> PARSER = ThreadLocal.withInitial(JSONParser::new);

    private ClaimsJson() {
    }

    /**
     * The claims of {@code json}, a JSON object.
     *
     * @param json the decoded payload of a JWS
     * @return the claims, in document order
     * @throws IllegalArgumentException when {@code json} is not one JSON object, or names a member twice
     */
    public static JwtClaims parse(String json) {
        Object parsed;
        try {
            parsed = PARSER.get().parse(new StringReader(json), NO_DUPLICATES);
        } catch (ParseException | java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof NoDuplicateNames members)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        JwtClaims claims = new JwtClaims();
        for (Map.Entry<String, Object> member : members.entrySet()) {
            claims.setClaim(member.getKey(), member.getValue());
        }
        return claims;
    }

    /** An object's members; a name given twice makes the document invalid, as in jose4j. */
    private static final class NoDuplicateNames extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        @Override
        public Object put(String name, Object value) {
            if (containsKey(name)) {
                throw new IllegalArgumentException("the member " + name + " is given more than once");
            }
            return super.put(name, value);
        }
    }
}
