/**
 * Reconciliation: lands a channel's daily bill (WeChat Pay trade bill, Alipay 业务明细) in the store
 * with the store's fastest bulk path, streaming and with constant memory, resumable from checkpoints
 * and idempotent per file; then diffs it against the day's orders and refunds as set operations in
 * the database. A payment only the bill knows goes through the payment module's notification path
 * ({@code PaymentGateway#confirmFromBill}); every other difference is recorded for an operator and
 * alerted. Runs from the command line ({@code vendpay reconcile}) or the operator API.
 * <p>
 * API: {@link io.vendpay.reconcile.ReconcileCommand}, {@link io.vendpay.reconcile.DiscrepancyKind}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Reconciliation")
package io.vendpay.reconcile;
