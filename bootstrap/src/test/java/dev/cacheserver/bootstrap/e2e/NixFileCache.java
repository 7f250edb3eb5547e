package dev.cacheserver.bootstrap.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A binary cache written by the real {@code nix} to {@code file://<www>} with its own signing key, for nginx to
 * serve as an upstream; {@link #relocate} moves a NAR and rewrites its narinfo's URL the way other caches lay
 * them out (the URL is not covered by the signature, so the narinfo stays validly signed).
 */
final class NixFileCache {
    final Path www;
    final Path secretKey;
    final String publicKey;

    private NixFileCache(Path www, Path secretKey, String publicKey) {
        this.www = www;
        this.secretKey = secretKey;
        this.publicKey = publicKey;
    }

    /** An empty cache: nix writes nix-cache-info (StoreDir /nix/store) with a first push of a small seed. */
    static NixFileCache create(Path dir, String keyName) throws Exception {
        Path www = Files.createDirectories(dir.resolve("www"));
        Path secret = dir.resolve(keyName + ".sec");
        Path publicFile = dir.resolve(keyName + ".pub");
        Nix.lines("nix-store", "--generate-binary-cache-key", keyName, secret.toString(), publicFile.toString());
        NixFileCache cache = new NixFileCache(www, secret, Files.readString(publicFile).strip());
        cache.push(dir.resolve("seed"), "seed", "xz", 64);
        return cache;
    }

    /** Builds a closure of blobs of {@code sizes} and a top path, pushes it here, deletes it locally. */
    List<String> push(Path work, String name, String compression, long... sizes) throws Exception {
        String top = Nix.buildClosure(work, name + "-" + System.nanoTime(), sizes);
        List<String> closure = Nix.closure(top);
        List<String> command = new ArrayList<>(List.of("nix", "--extra-experimental-features", "nix-command",
                "copy", "--to", "file://" + www + "?compression=" + compression + "&secret-key=" + secretKey));
        command.addAll(closure);
        Nix.lines(command.toArray(String[]::new));
        Nix.delete(closure);
        return closure;
    }

    Map<String, String> narInfo(String storePath) throws Exception {
        Map<String, String> fields = new HashMap<>();
        Files.readString(narInfoFile(storePath)).lines().forEach(line -> {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
        });
        return fields;
    }

    /** Moves the NAR of {@code storePath} to {@code target} (under www; null: left where it is), its URL to {@code url}. */
    void relocate(String storePath, String url, String target) throws Exception {
        Path file = narInfoFile(storePath);
        String written = narInfo(storePath).get("URL");
        if (target != null) {
            Path moved = www.resolve(target);
            Files.createDirectories(moved.getParent());
            Files.move(www.resolve(written), moved);
        }
        Files.writeString(file, Files.readString(file).replace("URL: " + written + "\n", "URL: " + url + "\n"));
    }

    /** Drops FileHash and FileSize, as Attic writes the narinfo of an uncompressed NAR. */
    void dropFileHash(String storePath) throws Exception {
        Path file = narInfoFile(storePath);
        Files.writeString(file, String.join("\n", Files.readString(file).lines()
                .filter(l -> !l.startsWith("FileHash: ") && !l.startsWith("FileSize: ")).toList()) + "\n");
    }

    private Path narInfoFile(String storePath) {
        return www.resolve(hashOf(storePath) + ".narinfo");
    }

    static String hashOf(String storePath) {
        return storePath.substring("/nix/store/".length(), "/nix/store/".length() + 32);
    }
}
