package dev.cacheserver.bootstrap.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** cache-server in its own JVM (this test classpath), for memory limits and restarts as an operator sees them. */
final class ServerProcess implements AutoCloseable {
    /** JVM option: log at INFO with the server's own logback.xml (the test one keeps only warnings). */
    static final String INFO_LOG = "-Dlogback.configurationFile=logback.xml";
    final Process process;
    final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ServerProcess start(Path config, int port, String... jvmOptions) throws Exception {
        return start(config, port, java.util.Map.of(), jvmOptions);
    }

    /** As above, with {@code environment} added to this JVM's for the server process. */
    static ServerProcess start(Path config, int port, java.util.Map<String, String> environment, String... jvmOptions)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cacheserver.bootstrap.Main",
                "--config", config.toString()));
        Path log = Files.createTempFile(config.getParent(), "server", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        ServerProcess server = new ServerProcess(process, log);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        server.close();
        throw new IllegalStateException("server did not listen on " + port + ":\n" + Files.readString(log));
    }

    /** Peak resident memory of the server process so far (VmHWM), in KiB. */
    long peakRssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
