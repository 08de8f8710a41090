package io.vendpay;

import io.vendpay.testing.OnMariaDb;

@OnMariaDb
class HappyPathOnMariaDbTest extends HappyPath {
}
