package dev.cacheserver.application.cachix;

import dev.cacheserver.application.port.in.CompletedPart;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.upload.UploadedPart;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which stored parts make the NAR, in order: the client's {@code parts} list (numbered 1..N without gaps, each
 * uploaded, each ETag the one we answered) or, when it sent null, every stored part (again 1..N without gaps).
 */
final class PartChoice {
    private PartChoice() {
    }

    /** The part numbers in assembly order; InvalidInputException (400) says what is wrong. */
    static List<Integer> choose(Optional<List<CompletedPart>> listed, List<UploadedPart> stored) {
        Map<Integer, UploadedPart> byNumber = new TreeMap<>();
        stored.forEach(p -> byNumber.put(p.partNumber(), p));
        return listed.isPresent() ? listedOrder(listed.get(), byNumber) : storedOrder(byNumber);
    }

    private static List<Integer> listedOrder(List<CompletedPart> listed, Map<Integer, UploadedPart> byNumber) {
        List<CompletedPart> sorted = new ArrayList<>(listed);
        if (sorted.isEmpty()) {
            throw new InvalidInputException("parts must not be empty (send null to use the received parts)");
        }
        sorted.sort(Comparator.comparingInt(CompletedPart::partNumber));
        List<Integer> order = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            CompletedPart p = sorted.get(i);
            if (p.partNumber() != i + 1 || !seen.add(p.partNumber())) {
                throw new InvalidInputException("parts must be numbered 1.." + sorted.size() + " without gaps");
            }
            UploadedPart have = byNumber.get(p.partNumber());
            if (have == null) {
                throw new InvalidInputException("part " + p.partNumber() + " was not uploaded");
            }
            if (!have.md5Hex().equalsIgnoreCase(unquote(p.eTag()))) {
                throw new InvalidInputException("the ETag of part " + p.partNumber()
                        + " does not match the part that was uploaded");
            }
            order.add(p.partNumber());
        }
        return order;
    }

    private static List<Integer> storedOrder(Map<Integer, UploadedPart> byNumber) {
        if (byNumber.isEmpty()) {
            throw new InvalidInputException("no part was uploaded");
        }
        List<Integer> order = new ArrayList<>();
        int expected = 1;
        for (int n : byNumber.keySet()) {
            if (n != expected) {
                throw new InvalidInputException("part " + expected + " was not uploaded");
            }
            order.add(n);
            expected++;
        }
        return order;
    }

    private static String unquote(String eTag) {
        String t = eTag == null ? "" : eTag.strip();
        if (t.startsWith("W/")) {
            t = t.substring(2);
        }
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
            t = t.substring(1, t.length() - 1);
        }
        return t;
    }
}
