package dev.bulwark.jwt.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address range in CIDR notation, parsed from literals only (never a name lookup). */
public final class IpRange {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final byte[] network;
    private final int prefix;
    private final String text;

    private IpRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code address} or {@code address/prefix}.
     *
     * @param cidr e.g. {@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}
     * @return the range
     * @throws IllegalArgumentException when it is not an address literal with a valid prefix
     */
    public static IpRange parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        byte[] address = literal(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8)");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "': the prefix must be 0.." + bits);
            }
        }
        return new IpRange(address, prefix, s);
    }

    /**
     * The address bytes of a strict IPv4 or IPv6 literal (brackets and zone allowed; an
     * IPv4-mapped IPv6 address gives its 4 IPv4 bytes), or null when it is not one; never looks a
     * name up.
     *
     * @param value the string
     * @return 4 or 16 bytes, or null
     */
    public static byte[] literal(String value) {
        String s = value.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        boolean v4 = IPV4.matcher(s).matches();
        if (!v4 && !ipv6Chars(s)) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress(); // a literal (checked above): no name lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean ipv6Chars(String s) {
        if (s.isEmpty() || s.length() > 45 || s.indexOf(':') < 0 || !(s.charAt(0) == ':' || hex(s.charAt(0)))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!hex(c) && c != ':' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /**
     * Whether the address is in the range.
     *
     * @param address a literal (anything else is not in any range)
     * @return true when it is
     */
    public boolean contains(String address) {
        byte[] a = literal(address);
        if (a == null || a.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
