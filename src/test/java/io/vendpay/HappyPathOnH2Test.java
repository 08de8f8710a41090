package io.vendpay;

import io.vendpay.testing.OnH2;

@OnH2
class HappyPathOnH2Test extends HappyPath {
}
