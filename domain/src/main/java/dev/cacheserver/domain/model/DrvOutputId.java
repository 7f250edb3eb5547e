package dev.cacheserver.domain.model;

import dev.cacheserver.domain.error.InvalidInputException;

/**
 * One output of a content-addressed derivation, as Nix names its realisation: {@code sha256:<64 hex>!<output>}
 * (the derivation's hash modulo fixed outputs, then the output name).
 */
public record DrvOutputId(String drvHash, String outputName) implements Comparable<DrvOutputId> {
    private static final String PREFIX = "sha256:";
    private static final int HEX_LENGTH = 64;

    public DrvOutputId {
        if (drvHash == null || drvHash.length() != PREFIX.length() + HEX_LENGTH || !drvHash.startsWith(PREFIX)
                || !isLowerHex(drvHash.substring(PREFIX.length()))) {
            throw new InvalidInputException("a derivation output id starts with sha256:<64 lowercase hex digits>");
        }
        if (!StorePath.isValidName(outputName)) {
            throw new InvalidInputException("invalid output name in derivation output id");
        }
    }

    /** Parses {@code sha256:<hex>!<output>}. */
    public static DrvOutputId parse(String text) {
        if (text == null) {
            throw new InvalidInputException("derivation output id is missing");
        }
        int bang = text.indexOf('!');
        if (bang < 0) {
            throw new InvalidInputException("a derivation output id is <drv hash>!<output name>, got: "
                    + NixHash.abbreviate(text));
        }
        return new DrvOutputId(text.substring(0, bang), text.substring(bang + 1));
    }

    @Override
    public int compareTo(DrvOutputId o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return drvHash + "!" + outputName;
    }

    private static boolean isLowerHex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
