package dev.sentryagent.idp.javalin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed ({@code IDP_TRUSTED_PROXIES}): IP
 * addresses and CIDR ranges, comma-separated. A request from anywhere else is recorded with its
 * own address, whatever headers it sends, so a client cannot put another address in the audit log.
 */
public final class TrustedProxies {
    /** No proxy is trusted: the connection's address is the client's. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of(), "");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Range> ranges;
    private final String text;

    private TrustedProxies(List<Range> ranges, String text) {
        this.ranges = List.copyOf(ranges);
        this.text = text;
    }

    /**
     * Parses a list such as {@code 10.0.0.1, 10.1.0.0/16, ::1}. Only IP literals are accepted,
     * never host names, so parsing never touches DNS.
     *
     * @param value comma-separated IP addresses and CIDR ranges; empty or null for none
     * @return the proxies; {@link #NONE} for an empty value
     * @throws IllegalArgumentException naming the entry that is not an IP address or CIDR range
     */
    public static TrustedProxies parse(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        List<Range> ranges = new ArrayList<>();
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int slash = e.indexOf('/');
            byte[] address = literal(slash < 0 ? e : e.substring(0, slash));
            int prefix = address == null ? -1 : address.length * 8;
            if (address != null && slash >= 0) {
                try {
                    prefix = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    prefix = -1;
                }
            }
            if (address == null || prefix < 0 || prefix > address.length * 8) {
                throw new IllegalArgumentException("\"" + e + "\" is not an IP address or CIDR range");
            }
            ranges.add(new Range(address, prefix));
        }
        return new TrustedProxies(ranges, value.trim());
    }

    /**
     * Whether an address is one of the trusted proxies.
     *
     * @param address an IP literal; anything else (a host name, garbage) is never trusted
     * @return true when {@code address} is in one of the ranges
     */
    public boolean contains(String address) {
        byte[] bytes = literal(address);
        return bytes != null && ranges.stream().anyMatch(r -> r.contains(bytes));
    }

    /**
     * The client's address: {@code remote} itself unless it is a trusted proxy; then the
     * right-most address of {@code X-Forwarded-For} that is not a trusted proxy (each proxy
     * appends the address it received from, so only the entries our proxies added are believed).
     * An entry that is not an IP address ends the walk at the hop that forwarded it.
     *
     * @param remote the connection's peer address
     * @param forwardedFor the request's {@code X-Forwarded-For} headers, in order, or null
     * @return the address the audit log records as the client's
     */
    public String clientAddress(String remote, List<String> forwardedFor) {
        if (ranges.isEmpty() || !contains(remote) || forwardedFor == null || forwardedFor.isEmpty()) {
            return remote;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        String client = remote;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (literal(hop) == null) {
                return client;
            }
            client = hop;
            if (!contains(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** The bytes of an IPv4 or IPv6 literal; null for anything else (never a DNS lookup). */
    private static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45
                || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "none" : text;
    }
}
