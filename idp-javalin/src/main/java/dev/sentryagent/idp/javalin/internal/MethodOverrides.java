package dev.sentryagent.idp.javalin.internal;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the headers some frameworks take as the request's real method, before Javalin routes
 * the request: Javalin honours {@code X-HTTP-Method-Override}, so a {@code GET} carrying
 * {@code X-HTTP-Method-Override: DELETE} deleted a trust policy (issue 12). With this filter the
 * method is always the one on the request line. ({@code _method} parameters were never honoured.)
 */
public final class MethodOverrides implements Filter {
    /** The headers removed, lower case. */
    public static final Set<String> HEADERS = Set.of("x-http-method-override", "x-http-method", "x-method-override");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && carriesOverride(http)) {
            chain.doFilter(new Hidden(http), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static boolean carriesOverride(HttpServletRequest request) {
        for (String name : HEADERS) {
            if (request.getHeader(name) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean hidden(String name) {
        return name != null && HEADERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** The request without the override headers. */
    private static final class Hidden extends HttpServletRequestWrapper {
        Hidden(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(MethodOverrides::hidden);
            return Collections.enumeration(names);
        }
    }
}
