package io.vendpay;

/** Dispatches {@code java -jar vendpay.jar <mode> ...}. Each mode prints what it does and returns an exit status. */
final class CommandLineModes {

    private CommandLineModes() {
    }

    static int run(String mode, String[] args) {
        // before a mode reads or makes a key: the sandbox and the simulated machines sign with the server's provider
        io.vendpay.shared.NativeCrypto.installFromSystem();
        return switch (mode) {
            case "bench" -> io.vendpay.bench.Bench.run(args);
            case "reconcile" -> io.vendpay.reconcile.ReconcileCommand.run(args);
            case "sandbox" -> io.vendpay.sandbox.SandboxCommand.run(args);
            default -> {
                System.err.println("vendpay: unknown mode '" + mode + "'. Modes: bench, reconcile, sandbox bill. Run without a mode to serve.");
                yield 2;
            }
        };
    }
}
