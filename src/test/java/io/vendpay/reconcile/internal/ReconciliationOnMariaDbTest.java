package io.vendpay.reconcile.internal;

import io.vendpay.testing.OnMariaDb;

@OnMariaDb
class ReconciliationOnMariaDbTest extends Reconciliation {
}
