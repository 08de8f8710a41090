package io.vendpay.reconcile.internal;

import io.vendpay.testing.OnH2;

@OnH2
class ReconciliationOnH2Test extends Reconciliation {
}
