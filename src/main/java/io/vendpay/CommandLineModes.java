package io.vendpay;

/** Dispatches {@code java -jar vendpay.jar <mode> ...}. Each mode prints what it does and returns an exit status. */
final class CommandLineModes {

    private CommandLineModes() {
    }

    static int run(String mode, String[] args) {
        System.err.println("vendpay: unknown mode '" + mode + "'. Run without a mode to serve.");
        return 2;
    }
}
